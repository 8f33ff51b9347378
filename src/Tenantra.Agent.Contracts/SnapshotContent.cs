using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Tenantra.Agent.Contracts;

/// <summary>
/// The content hash of a snapshot: SHA-256 over its entries in a canonical order (by kind, then
/// key; fields by name; null fields left out), every string as its UTF-8 length (32-bit little
/// endian) and bytes, each entry ended by U+001E — so the same state hashes the same whatever order
/// it was collected in, and no choice of strings makes two different entries hash alike. Agent and
/// server compute it the same way.
/// </summary>
public static class SnapshotContent
{
    public static string Hash(IEnumerable<SnapshotEntry> entries)
    {
        using var writer = new HashWriter();
        var fields = new List<KeyValuePair<string, string?>>();
        foreach (var entry in InCanonicalOrder(entries as IReadOnlyList<SnapshotEntry> ?? [.. entries]))
        {
            writer.Append(entry.Kind);
            writer.Append(entry.Key);
            fields.Clear();
            fields.AddRange(entry.Fields.Where(f => f.Value is not null));
            fields.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            foreach (var (name, value) in fields)
            {
                writer.Append(name);
                writer.Append(value!);
            }

            writer.Append("\u001e");
        }

        return writer.Finish();
    }

    /// <summary>
    /// The entries in canonical order — by kind, then key, ordinal — as stored states and baselines
    /// keep them, so a diff can walk two of them in step. The same list when it is in that order
    /// already; otherwise a sorted copy, stable (entries with the same kind and key, refused by the
    /// server, keep their order).
    /// </summary>
    public static IReadOnlyList<SnapshotEntry> InCanonicalOrder(IReadOnlyList<SnapshotEntry> entries)
    {
        if (IsCanonical(entries))
        {
            return entries;
        }

        var ordered = entries.Select((entry, index) => (Entry: entry, Index: index)).ToArray();
        Array.Sort(ordered, static (a, b) =>
        {
            var order = CompareIdentity(a.Entry, b.Entry);
            return order != 0 ? order : a.Index.CompareTo(b.Index);
        });
        return [.. ordered.Select(pair => pair.Entry)];
    }

    /// <summary>Whether every entry's identity comes strictly after the one before it (so no two share one).</summary>
    public static bool IsCanonical(IReadOnlyList<SnapshotEntry> entries)
    {
        for (var i = 1; i < entries.Count; i++)
        {
            if (CompareIdentity(entries[i - 1], entries[i]) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The canonical order of two entries' identities: kind, then key, ordinal.</summary>
    public static int CompareIdentity(SnapshotEntry a, SnapshotEntry b)
    {
        var order = string.CompareOrdinal(a.Kind, b.Kind);
        return order != 0 ? order : string.CompareOrdinal(a.Key, b.Key);
    }

    /// <summary>Length-prefixed UTF-8 into one pooled buffer, hashed a buffer at a time.</summary>
    private sealed class HashWriter : IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        private int _used;

        public void Append(string text)
        {
            var needed = sizeof(int) + Encoding.UTF8.GetMaxByteCount(text.Length);
            if (_used + needed > _buffer.Length)
            {
                Flush();
            }

            if (needed > _buffer.Length)
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                Span<byte> length = stackalloc byte[sizeof(int)];
                BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
                _hash.AppendData(length);
                _hash.AppendData(bytes);
                return;
            }

            var written = Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_used + sizeof(int)));
            BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_used), written);
            _used += sizeof(int) + written;
        }

        public string Finish()
        {
            Flush();
            return Convert.ToHexStringLower(_hash.GetHashAndReset());
        }

        private void Flush()
        {
            _hash.AppendData(_buffer, 0, _used);
            _used = 0;
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _hash.Dispose();
        }
    }
}
