using System.Buffers.Binary;
using System.Net;
using Tenantra.Agent.Collectors;
using Tenantra.Agent.Collectors.Windows;
using Tenantra.Agent.Contracts;

namespace Tenantra.Agent.Tests.Collectors.Windows;

public sealed class WindowsSocketCollectorTests
{
    /// <summary>Builds a table as iphlpapi fills it: a little-endian row count, then rows of little-endian DWORDs and network-order addresses and ports.</summary>
    private sealed class TableWriter
    {
        private readonly List<byte> _bytes = [0, 0, 0, 0];
        private uint _rows;

        public TableWriter Row(params object[] fields)
        {
            foreach (var field in fields)
            {
                switch (field)
                {
                    case IPAddress address:
                        _bytes.AddRange(address.GetAddressBytes());
                        break;
                    case ushort port: // a port fills a DWORD: two bytes in network order, then two unused
                        _bytes.AddRange([(byte)(port >> 8), (byte)port, 0xAA, 0xBB]);
                        break;
                    case uint dword:
                        var buffer = new byte[4];
                        BinaryPrimitives.WriteUInt32LittleEndian(buffer, dword);
                        _bytes.AddRange(buffer);
                        break;
                    default:
                        throw new ArgumentException(field.GetType().Name);
                }
            }

            _rows++;
            return this;
        }

        public byte[] Build()
        {
            var bytes = _bytes.ToArray();
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, _rows);
            return bytes;
        }
    }

    private const uint Listen = 2;
    private const uint Established = 5;
    private const uint TimeWait = 11;

    [Fact]
    public void Reads_ipv4_tcp_rows_with_network_order_ports_and_addresses()
    {
        var table = new TableWriter()
            .Row(Listen, IPAddress.Any, (ushort)445, IPAddress.Any, (ushort)0, 4u)
            .Row(Established, IPAddress.Parse("10.0.0.5"), (ushort)49712, IPAddress.Parse("52.96.12.3"), (ushort)443, 6120u)
            .Build();

        var rows = IpHelperTables.ParseTcp4(table);

        Assert.Equal(24, IpHelperTables.Tcp4RowSize);
        Assert.Equal(
            [
                new SocketRecord("tcp", IPEndPoint.Parse("0.0.0.0:445"), IPEndPoint.Parse("0.0.0.0:0"), "LISTEN", 4),
                new SocketRecord("tcp", IPEndPoint.Parse("10.0.0.5:49712"), IPEndPoint.Parse("52.96.12.3:443"), "ESTABLISHED", 6120),
            ],
            rows);
    }

    [Fact]
    public void Reads_ipv6_tcp_rows_with_scope_ids()
    {
        var table = new TableWriter()
            .Row(IPAddress.IPv6Any, 0u, (ushort)135, IPAddress.IPv6Any, 0u, (ushort)0, Listen, 1000u)
            .Row(IPAddress.Parse("fe80::1c2d:3e4f:5a6b:7c8d"), 12u, (ushort)50123, IPAddress.Parse("fe80::1"), 12u, (ushort)22, TimeWait, 0u)
            .Build();

        var rows = IpHelperTables.ParseTcp6(table);

        Assert.Equal(4 + (2 * IpHelperTables.Tcp6RowSize), table.Length);
        Assert.Equal("[::]:135 LISTEN 1000", $"{rows[0].Local} {rows[0].State} {rows[0].Pid}");
        Assert.Equal("[fe80::1c2d:3e4f:5a6b:7c8d%12]:50123 [fe80::1%12]:22 TIME_WAIT 0", $"{rows[1].Local} {rows[1].Remote} {rows[1].State} {rows[1].Pid}");
    }

    [Fact]
    public void Reads_udp_rows_for_both_families()
    {
        var udp4 = IpHelperTables.ParseUdp4(new TableWriter().Row(IPAddress.Parse("127.0.0.1"), (ushort)53, 2212u).Build());
        var udp6 = IpHelperTables.ParseUdp6(new TableWriter().Row(IPAddress.IPv6Any, 0u, (ushort)5353, 1880u).Build());

        Assert.Equal([new SocketRecord("udp", IPEndPoint.Parse("127.0.0.1:53"), null, null, 2212)], udp4);
        Assert.Equal([new SocketRecord("udp6", IPEndPoint.Parse("[::]:5353"), null, null, 1880)], udp6);
    }

    [Fact]
    public void Refuses_a_row_count_that_does_not_fit_the_buffer()
    {
        var table = new TableWriter().Row(IPAddress.Any, (ushort)53, 1u).Build();
        BinaryPrimitives.WriteUInt32LittleEndian(table, 2);

        Assert.Throws<InvalidDataException>(() => IpHelperTables.ParseUdp4(table));
        Assert.Throws<InvalidDataException>(() => IpHelperTables.ParseTcp4(new byte[3]));
        Assert.Empty(IpHelperTables.ParseTcp6(new byte[4]));
    }

    [Theory]
    [InlineData(1u, "CLOSE")]
    [InlineData(3u, "SYN_SENT")]
    [InlineData(4u, "SYN_RECV")]
    [InlineData(8u, "CLOSE_WAIT")]
    [InlineData(12u, "DELETE_TCB")]
    [InlineData(99u, "UNKNOWN")]
    public void Names_tcp_states_as_linux_does(uint state, string name) => Assert.Equal(name, IpHelperTables.TcpStateName(state));

    private sealed class FixedSockets(IReadOnlyList<SocketRecord> sockets) : ISocketTable
    {
        public IReadOnlyList<SocketRecord> Read(List<string> problems)
        {
            problems.Add("tcp6 table: error 50");
            return sockets;
        }

        public IReadOnlyDictionary<int, string> ProcessNames() => new Dictionary<int, string> { [4] = "System", [1000] = "svchost", [1001] = "svchost", [6120] = "msedge" };
    }

    [Fact]
    public void Keys_listening_and_connected_sockets_and_merges_shared_ports()
    {
        var table = new FixedSockets(
        [
            .. IpHelperTables.ParseTcp4(new TableWriter()
                .Row(Listen, IPAddress.Any, (ushort)445, IPAddress.Any, (ushort)0, 4u)
                .Row(Established, IPAddress.Parse("10.0.0.5"), (ushort)49712, IPAddress.Parse("52.96.12.3"), (ushort)443, 6120u)
                .Row(Listen, IPAddress.Any, (ushort)5040, IPAddress.Any, (ushort)0, 1001u)
                .Row(Listen, IPAddress.Any, (ushort)5040, IPAddress.Any, (ushort)0, 1000u)
                .Build()),
            .. IpHelperTables.ParseUdp6(new TableWriter().Row(IPAddress.IPv6Any, 0u, (ushort)5353, 7777u).Build()),
        ]);
        var context = new CollectionContext("/");
        var collector = new WindowsSocketCollector(table);

        var entries = collector.Collect(context).ToList();

        Assert.Equal(SnapshotCategories.Network, collector.Category);
        Assert.Equal(["network: tcp6 table: error 50"], context.Problems);
        Assert.Equal(
            [
                "tcp 10.0.0.5:49712 52.96.12.3:443 ESTABLISHED|pid=6120\nprocess=msedge\nstate=ESTABLISHED",
                "tcp listen 0.0.0.0:445|pid=4\nprocess=System\nstate=LISTEN",
                "tcp listen 0.0.0.0:5040|pid=1000,1001\nprocess=svchost,svchost\nstate=LISTEN",
                "udp6 listen [::]:5353|pid=7777\nprocess=\nstate=",
            ],
            entries.Select(entry => entry.Key + "|" + WindowsFixtures.Describe(entry)));
        Assert.All(entries, entry => Assert.Equal("socket", entry.Kind));
    }

    [Fact]
    public void Without_a_table_reads_the_live_tables_on_windows_and_reports_them_unavailable_elsewhere()
    {
        var context = new CollectionContext("/");

        var entries = new WindowsSocketCollector().Collect(context).ToList();

        if (OperatingSystem.IsWindows())
        {
            Assert.All(entries, entry => Assert.Matches(@"^(tcp|tcp6|udp|udp6) ", entry.Key));
        }
        else
        {
            Assert.Empty(entries);
            Assert.Equal(["network: the Windows socket tables can only be read on Windows"], context.Problems);
        }
    }
}
