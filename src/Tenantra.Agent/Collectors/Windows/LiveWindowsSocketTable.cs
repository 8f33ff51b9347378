using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Tenantra.Agent.Collectors.Windows;

/// <summary>
/// The TCP and UDP tables of this Windows machine with owning pids, for IPv4 and IPv6, from
/// GetExtendedTcpTable and GetExtendedUdpTable (iphlpapi.dll); the rows are read by
/// <see cref="IpHelperTables"/>.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed partial class LiveWindowsSocketTable : ISocketTable
{
    private const int AfInet = 2;
    private const int AfInet6 = 23;
    private const int TcpTableOwnerPidAll = 5;
    private const int UdpTableOwnerPid = 1;
    private const uint NoError = 0;
    private const uint ErrorInsufficientBuffer = 122;

    public IReadOnlyList<SocketRecord> Read(List<string> problems)
    {
        var sockets = new List<SocketRecord>();
        Add(sockets, problems, "tcp", tcp: true, AfInet, IpHelperTables.ParseTcp4);
        Add(sockets, problems, "tcp6", tcp: true, AfInet6, IpHelperTables.ParseTcp6);
        Add(sockets, problems, "udp", tcp: false, AfInet, IpHelperTables.ParseUdp4);
        Add(sockets, problems, "udp6", tcp: false, AfInet6, IpHelperTables.ParseUdp6);
        return sockets;
    }

    public IReadOnlyDictionary<int, string> ProcessNames()
    {
        var names = new Dictionary<int, string>();
        foreach (var process in Process.GetProcesses())
        {
            using (process)
            {
                names[process.Id] = process.ProcessName;
            }
        }

        return names;
    }

    private delegate List<SocketRecord> TableParser(ReadOnlySpan<byte> table);

    private static void Add(List<SocketRecord> sockets, List<string> problems, string name, bool tcp, int family, TableParser parse)
    {
        try
        {
            if (Fetch(tcp, family, out var error) is { } table)
            {
                sockets.AddRange(parse(table));
            }
            else
            {
                problems.Add($"{name} table: error {error}");
            }
        }
        catch (InvalidDataException e)
        {
            problems.Add($"{name} table: {e.Message}");
        }
    }

    /// <summary>The table's bytes; the size is asked first and asked again while the table keeps growing.</summary>
    private static unsafe byte[]? Fetch(bool tcp, int family, out uint error)
    {
        var size = 0;
        error = Call(tcp, null, ref size, family);
        for (var attempt = 0; attempt < 5 && error == ErrorInsufficientBuffer; attempt++)
        {
            var buffer = new byte[size + 1024]; // room for rows added between the two calls
            size = buffer.Length;
            fixed (byte* table = buffer)
            {
                error = Call(tcp, table, ref size, family);
            }

            if (error == NoError)
            {
                return buffer;
            }
        }

        return error == NoError ? [0, 0, 0, 0] : null;
    }

    private static unsafe uint Call(bool tcp, byte* table, ref int size, int family) => tcp
        ? GetExtendedTcpTable(table, ref size, order: false, family, TcpTableOwnerPidAll, 0)
        : GetExtendedUdpTable(table, ref size, order: false, family, UdpTableOwnerPid, 0);

    [LibraryImport("iphlpapi.dll")]
    private static unsafe partial uint GetExtendedTcpTable(byte* table, ref int size, [MarshalAs(UnmanagedType.Bool)] bool order, int addressFamily, int tableClass, uint reserved);

    [LibraryImport("iphlpapi.dll")]
    private static unsafe partial uint GetExtendedUdpTable(byte* table, ref int size, [MarshalAs(UnmanagedType.Bool)] bool order, int addressFamily, int tableClass, uint reserved);
}
