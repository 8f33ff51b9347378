using System.Globalization;

namespace Tenantra.Agent.Collectors.Linux;

/// <summary>
/// The fields of /proc/&lt;pid&gt;/stat the agent uses (proc(5)). <see cref="StartTicks"/> counts
/// clock ticks from boot (field 22).
/// </summary>
internal readonly record struct ProcessStat(int Pid, string Name, int ParentPid, uint Flags, ulong StartTicks)
{
    /// <summary>PF_KTHREAD: a kernel thread, which has no executable or command line.</summary>
    private const uint KernelThreadFlag = 0x00200000;

    /// <summary>USER_HZ, the unit of <see cref="StartTicks"/>: 100 on every architecture Linux exposes to user space.</summary>
    public const int TicksPerSecond = 100;

    public bool IsKernelThread => (Flags & KernelThreadFlag) != 0;

    /// <summary>When the process started, given the boot time (the "btime" line of /proc/stat, seconds since the epoch).</summary>
    public DateTimeOffset StartedAt(long bootTimeSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(bootTimeSeconds + (long)(StartTicks / TicksPerSecond));

    /// <summary>Parses the file's content; null when it is not in the expected shape.</summary>
    public static ProcessStat? Parse(string text)
    {
        // "pid (comm) state ppid …": comm may hold spaces and parentheses, so it ends at the last ')'.
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        if (open <= 0 || close < open || !int.TryParse(text.AsSpan(0, open).Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        // After the name: [0] state (field 3), [1] ppid (4), [6] flags (9), [19] starttime (22).
        var rest = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length < 20
            || !int.TryParse(rest[1], CultureInfo.InvariantCulture, out var parentPid)
            || !uint.TryParse(rest[6], CultureInfo.InvariantCulture, out var flags)
            || !ulong.TryParse(rest[19], CultureInfo.InvariantCulture, out var startTicks))
        {
            return null;
        }

        return new ProcessStat(pid, text[(open + 1)..close], parentPid, flags, startTicks);
    }

    /// <summary>The "btime" of /proc/stat, or null when absent.</summary>
    public static long? ParseBootTime(string procStat)
    {
        foreach (var line in procStat.Split('\n'))
        {
            if (line.StartsWith("btime ", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan("btime ".Length).Trim(), CultureInfo.InvariantCulture, out var bootTime))
            {
                return bootTime;
            }
        }

        return null;
    }

    /// <summary>The effective uid from the "Uid:" line of /proc/&lt;pid&gt;/status (real, effective, saved, filesystem).</summary>
    public static uint? ParseEffectiveUid(string status)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                var ids = line["Uid:".Length..].Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                return ids.Length >= 2 && uint.TryParse(ids[1], CultureInfo.InvariantCulture, out var uid) ? uid : null;
            }
        }

        return null;
    }
}
