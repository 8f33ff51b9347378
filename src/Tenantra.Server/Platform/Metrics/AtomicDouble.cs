namespace Tenantra.Server.Platform.Metrics;

internal static class AtomicDouble
{
    /// <summary>Lock-free add. Compares bits, as <see cref="Interlocked.CompareExchange(ref double, double, double)"/> does, so NaN and -0 cannot loop or slip.</summary>
    public static void Add(ref double location, double amount)
    {
        var current = Volatile.Read(ref location);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref location, current + amount, current);
            if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
            {
                return;
            }

            current = seen;
        }
    }
}
