using Coverage.SampleClaims;

return SampleClaimsCommand.Run(args, Console.Out, Console.Error);
