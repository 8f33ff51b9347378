using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Tenantra.Agent.Collectors;
using Tenantra.Agent.Collectors.Linux;

namespace Tenantra.Agent.Tests.Collectors.Linux;

public sealed class SocketCollectorTests : IDisposable
{
    // Lines as the kernel prints them (trailing blanks included), for a little-endian machine.
    private const string Tcp = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode                                                     
           0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5001 1 0000000080de30cc 100 0 0 10 0                    
           1: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6001 1 000000000fbca94b 100 0 0 10 0                      
           2: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6002 1 000000000fbca94c 100 0 0 10 0                      
           3: 0F02000A:0016 0202000A:C350 01 00000000:00000000 02:000AFD5C 00000000     0        0 5002 4 00000000d5e1bb1a 20 4 29 10 -1                    
           4: 0F02000A:0016 0302000A:C351 06 00000000:00000000 03:000016A9 00000000     0        0 0 3 0000000000000000                                      
        """;

    private const string Tcp6 = """
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000000000000000000000000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5003 1 0000000000000000 100 0 0 10 0
           1: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5004 1 0000000000000000 100 0 0 10 0
           2: 0000000000000000FFFF00000100007F:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5006 1 0000000000000000 100 0 0 10 0
        """;

    private const string Udp = """
           sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops             
          123: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5005 2 0000000000000000 0            
          124: 0F02000A:A1B2 08080808:0035 01 00000000:00000000 00:00000000 00000000  1000        0 5007 2 0000000000000000 0            
          125: 00000000:0000 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 5008 2 0000000000000000 0            
        """;

    private readonly FixtureRoot _machine = new();

    public void Dispose() => _machine.Dispose();

    [Fact]
    public void Listening_and_established_sockets_are_keyed_by_protocol_and_addresses()
    {
        WriteTables();

        var context = _machine.Context();
        var entries = new SocketCollector().Collect(context).ToList();

        Assert.Equal(
        [
            "tcp 10.0.2.15:22 10.0.2.2:50000 established",
            "tcp listen 0.0.0.0:80",
            "tcp listen 127.0.0.1:8080",
            "tcp6 listen [::1]:631",
            "tcp6 listen [::]:443",
            "tcp6 listen [::ffff:127.0.0.1]:8081",
            "udp 10.0.2.15:41394 8.8.8.8:53 established",
            "udp listen 0.0.0.0:68",
        ], entries.KeysOf("socket"));
        var ssh = entries.FieldsOf("socket", "tcp 10.0.2.15:22 10.0.2.2:50000 established");
        Assert.Equal("tcp", ssh["protocol"]);
        Assert.Equal("10.0.2.15:22", ssh["local"]);
        Assert.Equal("10.0.2.2:50000", ssh["remote"]);
        Assert.Equal("established", ssh["state"]);
        Assert.Equal("5002", ssh["inode"]);
        Assert.Equal("root", ssh["user"]);
        Assert.False(ssh.ContainsKey("pid"));
        var listener = entries.FieldsOf("socket", "tcp listen 127.0.0.1:8080");
        Assert.Equal("listen", listener["state"]);
        Assert.Equal("alice", listener["user"]);
        Assert.False(listener.ContainsKey("remote"));
        Assert.Empty(context.Problems);
    }

    [Fact]
    public void Owners_come_from_the_socket_links_of_each_process()
    {
        WriteTables();
        AddProcess(200, "nginx", "/usr/sbin/nginx", ("3", "socket:[6001]"));
        AddProcess(201, "nginx", "/usr/sbin/nginx", ("3", "socket:[6002]"), ("4", "socket:[6001]"));
        AddProcess(300, "app", "/opt/app/bin/app", ("5", "socket:[5001]"), ("6", "/dev/null"), ("7", "pipe:[999]"));

        var entries = new SocketCollector().Collect(_machine.Context()).ToList();

        var web = entries.FieldsOf("socket", "tcp listen 0.0.0.0:80");
        Assert.Equal("6001,6002", web["inode"]);
        Assert.Equal("200,201", web["pid"]);
        Assert.Equal("nginx", web["process"]);
        Assert.Equal("/usr/sbin/nginx", web["executable"]);
        var app = entries.FieldsOf("socket", "tcp listen 127.0.0.1:8080");
        Assert.Equal("300", app["pid"]);
        Assert.Equal("app", app["process"]);
        Assert.Equal("/opt/app/bin/app", app["executable"]);
    }

    [Fact]
    public void Listening_keys_do_not_change_between_collections_while_connections_come_and_go()
    {
        WriteTables();
        var before = new SocketCollector().Collect(_machine.Context()).KeysOf("socket").Where(key => key.Contains(" listen ", StringComparison.Ordinal)).ToList();
        _machine.Write("/proc/net/tcp", Tcp.Replace("0202000A:C350 01", "0202000A:C352 01", StringComparison.Ordinal));

        var after = new SocketCollector().Collect(_machine.Context()).KeysOf("socket");

        Assert.Equal(before, after.Where(key => key.Contains(" listen ", StringComparison.Ordinal)));
        Assert.Contains("tcp 10.0.2.15:22 10.0.2.2:50002 established", after);
    }

    [Theory]
    [InlineData("0100007F:0016", "127.0.0.1:22")]
    [InlineData("00000000:0000", "0.0.0.0:0")]
    [InlineData("0F02000A:FFFF", "10.0.2.15:65535")]
    [InlineData("00000000000000000000000001000000:0277", "[::1]:631")]
    [InlineData("B80D0120000000000000000001000000:0050", "[2001:db8::1]:80")]
    [InlineData("0000000000000000FFFF00000100007F:1F91", "[::ffff:127.0.0.1]:8081")]
    public void Kernel_hex_endpoints_decode_to_addresses_and_ports(string hex, string expected) =>
        Assert.Equal(expected, ProcNetSockets.DecodeEndpoint(hex)?.Text);

    [Theory]
    [InlineData("0100007F")]
    [InlineData("0100007G:0016")]
    [InlineData("01007F:0016")]
    public void Malformed_endpoints_are_rejected(string hex) => Assert.Null(ProcNetSockets.DecodeEndpoint(hex));

    [Fact]
    public void On_this_machine_a_listener_and_a_connection_of_this_process_are_found()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var client = new TcpClient(AddressFamily.InterNetwork);
        client.Connect(IPAddress.Loopback, port);
        using var accepted = listener.AcceptTcpClient();
        var clientPort = ((IPEndPoint)client.Client.LocalEndPoint!).Port;

        var entries = new SocketCollector().Collect(new CollectionContext("/")).ToList();

        var listening = entries.FieldsOf("socket", $"tcp listen 127.0.0.1:{port}");
        var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        Assert.Contains(self, listening["pid"]!.Split(','));
        Assert.Equal(new FileInfo("/proc/self/exe").LinkTarget, listening["executable"]);
        Assert.Equal(Environment.UserName, listening["user"]);
        var outgoing = entries.FieldsOf("socket", $"tcp 127.0.0.1:{clientPort} 127.0.0.1:{port} established");
        Assert.Contains(self, outgoing["pid"]!.Split(','));
        entries.Single("socket", $"tcp 127.0.0.1:{port} 127.0.0.1:{clientPort} established");
    }

    private void WriteTables()
    {
        _machine.Write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n");
        _machine.Write("/proc/net/tcp", Tcp);
        _machine.Write("/proc/net/tcp6", Tcp6);
        _machine.Write("/proc/net/udp", Udp);
    }

    private void AddProcess(int pid, string name, string executable, params (string Descriptor, string Target)[] descriptors)
    {
        _machine.Write($"/proc/{pid}/comm", name + "\n");
        _machine.Link($"/proc/{pid}/exe", executable);
        foreach (var (descriptor, target) in descriptors)
        {
            _machine.Link($"/proc/{pid}/fd/{descriptor}", target);
        }
    }
}
