using Coverage.Cli;

return CoverageCommand.Run(args, Console.OpenStandardInput(), Console.Out, Console.Error);
