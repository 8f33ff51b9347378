using System.Globalization;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Collectors.Linux;

/// <summary>
/// Listening and established TCP and UDP sockets (IPv4 and IPv6) from /proc/net, with the
/// processes holding them. A listening socket is keyed "&lt;proto&gt; listen &lt;local&gt;" (e.g.
/// "tcp listen 127.0.0.1:5432"; an unconnected bound UDP socket counts as listening), so it keeps
/// its key for as long as something listens there; an established one is keyed "&lt;proto&gt;
/// &lt;local&gt; &lt;remote&gt; established". Sockets sharing a key (SO_REUSEPORT workers, one socket
/// per address family) are one entry listing every inode, pid, process and executable, sorted.
/// </summary>
public sealed class SocketCollector : ICollector
{
    private static readonly string[] s_protocols = ["tcp", "tcp6", "udp", "udp6"];

    public string Category => SnapshotCategories.Network;

    public IEnumerable<SnapshotEntry> Collect(CollectionContext context)
    {
        var users = PasswdFile.Read(context);
        var sockets = new List<(string Protocol, ProcNetSocket Socket, string State)>();
        foreach (var protocol in s_protocols)
        {
            if (context.ReadTextIfPresent($"/proc/net/{protocol}") is not { } table)
            {
                continue;
            }

            foreach (var socket in ProcNetSockets.Parse(table))
            {
                if (socket.LocalPort != 0 && StateOf(protocol, socket) is { } state)
                {
                    sockets.Add((protocol, socket, state));
                }
            }
        }

        var owners = SocketOwners.Find(context, [.. sockets.Select(item => item.Socket.Inode)]);
        var groups = new SortedDictionary<string, List<(string Protocol, ProcNetSocket Socket, string State)>>(StringComparer.Ordinal);
        foreach (var item in sockets)
        {
            var key = item.State == "listen"
                ? $"{item.Protocol} listen {item.Socket.Local}"
                : $"{item.Protocol} {item.Socket.Local} {item.Socket.Remote} {item.State}";
            if (!groups.TryGetValue(key, out var group))
            {
                group = [];
                groups[key] = group;
            }

            group.Add(item);
        }

        var entries = new List<SnapshotEntry>(groups.Count);
        foreach (var (key, group) in groups)
        {
            var (protocol, first, state) = group[0];
            var holders = group.SelectMany(item => owners.GetValueOrDefault(item.Socket.Inode) ?? []).ToList();
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["protocol"] = protocol,
                ["local"] = first.Local,
                ["state"] = state,
                ["inode"] = SortedJoin(group.Select(item => item.Socket.Inode.ToString(CultureInfo.InvariantCulture))),
                ["user"] = SortedJoin(group.Select(item => users.NameOf(item.Socket.Uid))),
            };
            if (state != "listen")
            {
                fields["remote"] = first.Remote;
            }

            if (holders.Count > 0)
            {
                fields["pid"] = string.Join(',', holders.Select(owner => owner.Pid).Distinct().Order());
                fields["process"] = SortedJoin(holders.Select(owner => owner.Name));
                fields["executable"] = SortedJoin(holders.Select(owner => owner.Executable));
            }

            entries.Add(new SnapshotEntry("socket", key, fields));
        }

        return entries;
    }

    /// <summary>"listen", "established", or null for the states not collected (TIME_WAIT, SYN_SENT…).</summary>
    private static string? StateOf(string protocol, ProcNetSocket socket) => socket.State switch
    {
        ProcNetSockets.TcpListen when protocol.StartsWith("tcp", StringComparison.Ordinal) => "listen",
        ProcNetSockets.UdpUnconnected when protocol.StartsWith("udp", StringComparison.Ordinal) && socket.RemotePort == 0 => "listen",
        ProcNetSockets.TcpEstablished => "established",
        _ => null,
    };

    private static string SortedJoin(IEnumerable<string?> values) =>
        string.Join(',', values.OfType<string>().Distinct().Order(StringComparer.Ordinal));
}
