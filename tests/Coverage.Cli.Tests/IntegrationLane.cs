using Coverage.Testing;

// Every test here starts something real (the server in-process or as a process, PostgreSQL, Chromium, the
// `coverage` program): the whole project is the integration lane (tests/Shared/Lane.cs).
[assembly: AssemblyTrait(Lane.Trait, Lane.Integration)]
