using System.Globalization;

namespace Tenantra.Agent.Collectors.Linux;

/// <summary>A process holding a socket open.</summary>
internal sealed record SocketOwner(int Pid, string? Name, string? Executable);

/// <summary>
/// Which processes hold which sockets, from the "socket:[inode]" links of /proc/&lt;pid&gt;/fd.
/// Without privileges only the agent user's own processes can be seen; the other sockets are
/// reported without an owner.
/// </summary>
internal static class SocketOwners
{
    /// <summary>The owners of each of <paramref name="inodes"/> that some visible process holds.</summary>
    public static Dictionary<ulong, List<SocketOwner>> Find(CollectionContext context, HashSet<ulong> inodes)
    {
        var owners = new Dictionary<ulong, List<SocketOwner>>();
        foreach (var pid in ProcFileSystem.ProcessIds(context))
        {
            SocketOwner? owner = null;
            foreach (var inode in SocketInodesOf(context, pid))
            {
                if (!inodes.Contains(inode))
                {
                    continue;
                }

                owner ??= Describe(context, pid);
                if (!owners.TryGetValue(inode, out var list))
                {
                    list = [];
                    owners[inode] = list;
                }

                if (!list.Contains(owner))
                {
                    list.Add(owner);
                }
            }
        }

        return owners;
    }

    private static List<ulong> SocketInodesOf(CollectionContext context, int pid)
    {
        const string prefix = "socket:[";
        var inodes = new List<ulong>();
        try
        {
            foreach (var descriptor in Directory.EnumerateFileSystemEntries(context.PathOf($"/proc/{pid}/fd")))
            {
                var target = new FileInfo(descriptor).LinkTarget;
                if (target is not null && target.StartsWith(prefix, StringComparison.Ordinal) && target.EndsWith(']')
                    && ulong.TryParse(target.AsSpan(prefix.Length, target.Length - prefix.Length - 1), CultureInfo.InvariantCulture, out var inode))
                {
                    inodes.Add(inode);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process exited or its descriptors are not ours to see.
        }

        return inodes;
    }

    private static SocketOwner Describe(CollectionContext context, int pid) =>
        new(pid, ProcFileSystem.ReadQuietly(context, $"/proc/{pid}/comm")?.TrimEnd('\n'), SymbolicLinks.TargetOf(context, $"/proc/{pid}/exe"));
}
