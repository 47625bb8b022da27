namespace Coverage.Benchmarks;

/// <summary>
/// CPU time and bytes allocated per operation of several pieces, run in turns (so that a busy machine weighs on each
/// alike), from the process's CPU time (not the wall clock, which a shared machine bends); the JIT's tiers are warmed
/// first (two seconds of each piece) and not measured. The `pieces` and `pas-pieces` commands.
/// </summary>
public static class PieceTimer
{
    /// <summary>Per piece, in the order given: microseconds of CPU and bytes allocated per operation.</summary>
    public static (double Microseconds, long Bytes)[] Measure(IReadOnlyList<(string Name, Func<object> Run)> pieces, int operations)
    {
        var cpu = new double[pieces.Count];
        var bytes = new long[pieces.Count];
        // Warm-up: two seconds of each piece, so that the JIT's tier-1 compilations (on background threads, which the
        // process's CPU time counts) are over before anything is measured.
        foreach (var (_, run) in pieces)
        {
            var warming = System.Diagnostics.Stopwatch.StartNew();
            while (warming.Elapsed.TotalSeconds < 2) for (var i = 0; i < 100; i++) run();
        }
        const int turns = 10;
        for (var turn = 0; turn < turns; turn++)
            for (var p = 0; p < pieces.Count; p++)
            {
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var started = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
                for (var i = 0; i < operations / turns; i++) pieces[p].Run();
                cpu[p] += (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - started).TotalMilliseconds;
                bytes[p] += GC.GetAllocatedBytesForCurrentThread() - allocated;
            }
        return [.. cpu.Select((ms, p) => (1000 * ms / operations, bytes[p] / operations))];
    }
}
