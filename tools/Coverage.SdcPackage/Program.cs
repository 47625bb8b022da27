using System.Text.Json.Nodes;
using Coverage.SdcPackage;

// Rebuilds the FHIR packages no test kit carries, from the guides' sources (tools/Coverage.SdcPackage/README.md):
//   sdc-package <git-dir of HL7/sdc> <commit> <output .tgz>                 SDC 3.0.0 (rebuild.sh)
//   sdc-package backport <SUSHI's resources folder> <commit> <output .tgz>  the subscriptions backport 1.1.0 for R4 (rebuild-backport.sh)
//   sdc-package r4-core-for-sushi <folder>                                  the R4 core package SUSHI reads, written from the base specification
switch (args)
{
    case ["r4-core-for-sushi", var folder]:
        Console.WriteLine($"{folder}: {R4CoreForSushi.Write(folder)} resources");
        return 0;
    case ["backport", var sushiResources, var commit, var output]:
        return await Build(SushiOutput.Read(sushiResources), [], Manifests.Backport(commit), output, commit);
    case [var sdcGit, var commit, var output] when sdcGit is not ("backport" or "r4-core-for-sushi"):
    {
        var source = new IgSource(sdcGit, commit);
        var fullCommit = source.FullCommit();
        var notes = new List<string>();
        return await Build(ConformanceResources.Read(source, notes), notes, Manifests.Sdc(fullCommit), output, fullCommit);
    }
    default:
        Console.Error.WriteLine("usage: sdc-package <git-dir of HL7/sdc> <commit> <output.tgz>");
        Console.Error.WriteLine("       sdc-package backport <SUSHI's fsh-generated/resources folder> <commit> <output.tgz>");
        Console.Error.WriteLine("       sdc-package r4-core-for-sushi <folder>");
        return 2;
}

static async Task<int> Build(IReadOnlyList<Hl7.Fhir.Model.Resource> resources, List<string> notes, JsonObject manifest, string output, string commit)
{
    notes.AddRange(await Snapshots.GenerateAsync(resources));
    foreach (var note in notes) Console.Error.WriteLine(note);
    NpmPackage.Write(output, manifest, resources);
    Console.WriteLine($"{output}: {resources.Count} resources from {commit}");
    return 0;
}
