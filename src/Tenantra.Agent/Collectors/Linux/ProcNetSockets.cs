using System.Globalization;
using System.Net;

namespace Tenantra.Agent.Collectors.Linux;

/// <summary>One row of /proc/net/{tcp,tcp6,udp,udp6}; addresses are already formatted ("127.0.0.1:22", "[::1]:22").</summary>
internal sealed record ProcNetSocket(string Local, int LocalPort, string Remote, int RemotePort, int State, uint Uid, ulong Inode);

/// <summary>
/// Parses the kernel's socket tables. Addresses are printed as 32-bit words in the kernel's byte
/// order (so 127.0.0.1 on a little-endian machine is 0100007F), ports in hex.
/// </summary>
internal static class ProcNetSockets
{
    public const int TcpEstablished = 0x01;
    public const int TcpListen = 0x0A;

    /// <summary>What an unconnected UDP socket shows (TCP_CLOSE).</summary>
    public const int UdpUnconnected = 0x07;

    /// <summary>The rows of a table, skipping its header and any malformed line.</summary>
    public static List<ProcNetSocket> Parse(string table)
    {
        var sockets = new List<ProcNetSocket>();
        foreach (var line in table.Split('\n'))
        {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
            var columns = line.Split(' ', 11, StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length < 10 || !columns[0].EndsWith(':')
                || DecodeEndpoint(columns[1]) is not { } local
                || DecodeEndpoint(columns[2]) is not { } remote
                || !int.TryParse(columns[3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var state)
                || !uint.TryParse(columns[7], CultureInfo.InvariantCulture, out var uid)
                || !ulong.TryParse(columns[9], CultureInfo.InvariantCulture, out var inode))
            {
                continue;
            }

            sockets.Add(new ProcNetSocket(local.Text, local.Port, remote.Text, remote.Port, state, uid, inode));
        }

        return sockets;
    }

    /// <summary>"0100007F:0016" → ("127.0.0.1:22", 22); IPv6 addresses are bracketed. Null when malformed.</summary>
    public static (string Text, int Port)? DecodeEndpoint(string hexEndpoint)
    {
        var colon = hexEndpoint.IndexOf(':', StringComparison.Ordinal);
        var hexAddress = colon < 0 ? "" : hexEndpoint[..colon];
        if ((hexAddress.Length != 8 && hexAddress.Length != 32)
            || !int.TryParse(hexEndpoint.AsSpan(colon + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[hexAddress.Length / 2];
        if (Convert.FromHexString(hexAddress, bytes, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            return null;
        }

        if (BitConverter.IsLittleEndian)
        {
            for (var word = 0; word < bytes.Length; word += 4)
            {
                bytes.Slice(word, 4).Reverse();
            }
        }

        var address = new IPAddress(bytes);
        var text = bytes.Length == 4
            ? $"{address}:{port.ToString(CultureInfo.InvariantCulture)}"
            : $"[{address}]:{port.ToString(CultureInfo.InvariantCulture)}";
        return (text, port);
    }
}
