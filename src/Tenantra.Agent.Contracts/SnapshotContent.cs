using System.Security.Cryptography;
using System.Text;

namespace Tenantra.Agent.Contracts;

/// <summary>
/// The content hash of a snapshot: SHA-256 over its entries in a canonical order (by kind, then
/// key; fields by name), so the same state hashes the same whatever order it was collected in.
/// Agent and server compute it the same way.
/// </summary>
public static class SnapshotContent
{
    public static string Hash(IEnumerable<SnapshotEntry> entries)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var entry in entries.OrderBy(e => e.Kind, StringComparer.Ordinal).ThenBy(e => e.Key, StringComparer.Ordinal))
        {
            Append(hash, entry.Kind);
            Append(hash, entry.Key);
            foreach (var (name, value) in entry.Fields.Where(f => f.Value is not null).OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                Append(hash, name);
                Append(hash, value!);
            }

            Append(hash, "\u001e");
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // Length-prefixed, so no choice of strings can make two different entries hash alike.
    private static void Append(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
