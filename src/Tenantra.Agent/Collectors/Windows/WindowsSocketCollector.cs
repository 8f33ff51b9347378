using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Collectors.Windows;

/// <summary>
/// One socket from the IP Helper tables. <see cref="Protocol"/> is tcp, tcp6, udp or udp6;
/// <see cref="Remote"/> and <see cref="State"/> are null for UDP.
/// </summary>
public sealed record SocketRecord(string Protocol, IPEndPoint Local, IPEndPoint? Remote, string? State, int Pid);

/// <summary>Where sockets and the names of their processes come from: the live Windows tables, or fixed lists in tests.</summary>
public interface ISocketTable
{
    IReadOnlyList<SocketRecord> Read(List<string> problems);

    /// <summary>Process names by pid, for naming the owners.</summary>
    IReadOnlyDictionary<int, string> ProcessNames();
}

/// <summary>
/// Sockets with their owning processes: kind "socket" keyed "&lt;proto&gt; listen &lt;local&gt;" for
/// listening TCP sockets and for UDP sockets (bound, so receiving), and
/// "&lt;proto&gt; &lt;local&gt; &lt;remote&gt; &lt;state&gt;" for other TCP sockets; fields pid, process,
/// state. Endpoints read like 0.0.0.0:445 or [::]:445; states use the Linux names (LISTEN,
/// ESTABLISHED, TIME_WAIT…). Sockets that share a key (several processes on one port) become one
/// entry whose pid and process list them all, comma-separated, by pid.
/// </summary>
public sealed class WindowsSocketCollector : ICollector
{
    public const string Kind = "socket";

    private readonly ISocketTable? _table;

    public WindowsSocketCollector(ISocketTable? table = null) => _table = table ?? (OperatingSystem.IsWindows() ? new LiveWindowsSocketTable() : null);

    public string Category => SnapshotCategories.Network;

    public IEnumerable<SnapshotEntry> Collect(CollectionContext context)
    {
        if (_table is null)
        {
            context.Problems.Add($"{Category}: the Windows socket tables can only be read on Windows");
            return [];
        }

        var problems = new List<string>();
        var sockets = _table.Read(problems);
        context.Problems.AddRange(problems.Select(problem => $"{Category}: {problem}"));
        var names = _table.ProcessNames();

        var byKey = new Dictionary<string, (SocketRecord Socket, SortedSet<int> Pids)>(StringComparer.Ordinal);
        foreach (var socket in sockets)
        {
            var key = socket.State is null or "LISTEN"
                ? $"{socket.Protocol} listen {socket.Local}"
                : $"{socket.Protocol} {socket.Local} {socket.Remote} {socket.State}";
            if (!byKey.TryGetValue(key, out var known))
            {
                known = (socket, []);
                byKey[key] = known;
            }

            known.Pids.Add(socket.Pid);
        }

        return
        [
            .. byKey.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => new SnapshotEntry(Kind, pair.Key, new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["pid"] = string.Join(',', pair.Value.Pids.Select(pid => pid.ToString(CultureInfo.InvariantCulture))),
                ["process"] = string.Join(',', pair.Value.Pids.Select(pid => names.GetValueOrDefault(pid, string.Empty))),
                ["state"] = pair.Value.Socket.State,
            })),
        ];
    }

}

/// <summary>
/// Reads the tables that GetExtendedTcpTable (TCP_TABLE_OWNER_PID_ALL) and GetExtendedUdpTable
/// (UDP_TABLE_OWNER_PID) fill: a DWORD row count, then the rows (MIB_TCPROW_OWNER_PID,
/// MIB_TCP6ROW_OWNER_PID, MIB_UDPROW_OWNER_PID, MIB_UDP6ROW_OWNER_PID). DWORDs are little-endian;
/// addresses and ports are in network byte order, a port in the first two bytes of its DWORD.
/// Kept apart from the calls so the layouts are tested on any platform.
/// </summary>
public static class IpHelperTables
{
    public const int Tcp4RowSize = 24;
    public const int Tcp6RowSize = 56;
    public const int Udp4RowSize = 12;
    public const int Udp6RowSize = 28;

    /// <exception cref="InvalidDataException">The row count does not fit the buffer.</exception>
    public static List<SocketRecord> ParseTcp4(ReadOnlySpan<byte> table)
    {
        var rows = new List<SocketRecord>();
        foreach (var row in Rows(table, Tcp4RowSize))
        {
            var r = table.Slice(row, Tcp4RowSize);
            rows.Add(new SocketRecord(
                "tcp",
                new IPEndPoint(new IPAddress(r.Slice(4, 4)), Port(r[8..])),
                new IPEndPoint(new IPAddress(r.Slice(12, 4)), Port(r[16..])),
                TcpStateName(BinaryPrimitives.ReadUInt32LittleEndian(r)),
                Pid(r[20..])));
        }

        return rows;
    }

    public static List<SocketRecord> ParseTcp6(ReadOnlySpan<byte> table)
    {
        var rows = new List<SocketRecord>();
        foreach (var row in Rows(table, Tcp6RowSize))
        {
            var r = table.Slice(row, Tcp6RowSize);
            rows.Add(new SocketRecord(
                "tcp6",
                new IPEndPoint(new IPAddress(r[..16], BinaryPrimitives.ReadUInt32LittleEndian(r[16..])), Port(r[20..])),
                new IPEndPoint(new IPAddress(r.Slice(24, 16), BinaryPrimitives.ReadUInt32LittleEndian(r[40..])), Port(r[44..])),
                TcpStateName(BinaryPrimitives.ReadUInt32LittleEndian(r[48..])),
                Pid(r[52..])));
        }

        return rows;
    }

    public static List<SocketRecord> ParseUdp4(ReadOnlySpan<byte> table)
    {
        var rows = new List<SocketRecord>();
        foreach (var row in Rows(table, Udp4RowSize))
        {
            var r = table.Slice(row, Udp4RowSize);
            rows.Add(new SocketRecord("udp", new IPEndPoint(new IPAddress(r[..4]), Port(r[4..])), null, null, Pid(r[8..])));
        }

        return rows;
    }

    public static List<SocketRecord> ParseUdp6(ReadOnlySpan<byte> table)
    {
        var rows = new List<SocketRecord>();
        foreach (var row in Rows(table, Udp6RowSize))
        {
            var r = table.Slice(row, Udp6RowSize);
            rows.Add(new SocketRecord(
                "udp6",
                new IPEndPoint(new IPAddress(r[..16], BinaryPrimitives.ReadUInt32LittleEndian(r[16..])), Port(r[20..])),
                null,
                null,
                Pid(r[24..])));
        }

        return rows;
    }

    /// <summary>The MIB_TCP_STATE name, spelled as Linux does where there is one.</summary>
    public static string TcpStateName(uint state) => state switch
    {
        1 => "CLOSE",
        2 => "LISTEN",
        3 => "SYN_SENT",
        4 => "SYN_RECV",
        5 => "ESTABLISHED",
        6 => "FIN_WAIT1",
        7 => "FIN_WAIT2",
        8 => "CLOSE_WAIT",
        9 => "CLOSING",
        10 => "LAST_ACK",
        11 => "TIME_WAIT",
        12 => "DELETE_TCB",
        _ => "UNKNOWN",
    };

    private static List<int> Rows(ReadOnlySpan<byte> table, int rowSize)
    {
        if (table.Length < 4)
        {
            throw new InvalidDataException($"A table of {table.Length} bytes has no row count.");
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(table);
        if (count > (uint)((table.Length - 4) / rowSize))
        {
            throw new InvalidDataException($"{count} rows of {rowSize} bytes do not fit in {table.Length} bytes.");
        }

        return [.. Enumerable.Range(0, (int)count).Select(i => 4 + (i * rowSize))];
    }

    private static int Port(ReadOnlySpan<byte> dword) => BinaryPrimitives.ReadUInt16BigEndian(dword);

    private static int Pid(ReadOnlySpan<byte> dword) => unchecked((int)BinaryPrimitives.ReadUInt32LittleEndian(dword));
}
