using Coverage.Cli;

return CoverageCommand.Run(args, Console.In, Console.Out, Console.Error);
