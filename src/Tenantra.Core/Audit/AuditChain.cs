using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Tenantra.Core.Audit;

/// <summary>
/// Hashes and links the records of a tenant's audit chain.
/// </summary>
/// <remarks>
/// The hash is SHA-256 over a versioned binary canonical form of every field but
/// <see cref="AuditRecord.Hash"/>, in a fixed order. Each field is self-delimiting: a presence
/// byte for nullable fields (so null differs from empty), big-endian integers, GUIDs in RFC 4122
/// byte order, and strings as a code-unit count followed by UTF-16LE code units (total over every
/// .NET string, unlike UTF-8, which replaces lone surrogates). <see cref="AuditRecord.OccurredAt"/>
/// enters as UTC ticks truncated to whole microseconds, because PostgreSQL keeps microseconds
/// and Npgsql truncates; its offset does not enter. Changing this form invalidates every stored
/// chain, so it is versioned by <c>tenantra-audit-v1</c>.
/// </remarks>
public static class AuditChain
{
    /// <summary>The previous hash of the record with sequence 1.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private const byte Absent = 0;
    private const byte Present = 1;
    private const string FormatTag = "tenantra-audit-v1";

    public static string ComputeHash(AuditRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        WriteString(buffer, FormatTag);
        WriteString(buffer, record.PreviousHash);
        WriteGuid(buffer, record.TenantId);
        WriteInt64(buffer, record.Sequence);
        WriteGuid(buffer, record.Id);
        WriteInt64(buffer, TruncateToMicroseconds(record.OccurredAt.UtcTicks));
        WriteNullableGuid(buffer, record.ActorUserId);
        WriteNullableGuid(buffer, record.ActorTokenId);
        WriteNullableString(buffer, record.ActorName);
        WriteNullableGuid(buffer, record.OnBehalfOfTenantId);
        WriteString(buffer, record.Action);
        WriteNullableString(buffer, record.TargetType);
        WriteNullableString(buffer, record.TargetId);
        WriteNullableString(buffer, record.Before);
        WriteNullableString(buffer, record.After);
        WriteNullableString(buffer, record.SourceIp);
        WriteNullableString(buffer, record.UserAgent);
        WriteNullableString(buffer, record.RequestId);
        WriteInt64(buffer, (long)record.Outcome);

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>
    /// Makes <paramref name="record"/> the link after the one with <paramref name="previousSequence"/>
    /// and <paramref name="previousHash"/> (0 and <see cref="GenesisHash"/> for the first record).
    /// Call it only when every other field has its final value.
    /// </summary>
    public static void Link(AuditRecord record, long previousSequence, string previousHash)
    {
        record.Sequence = previousSequence + 1;
        record.PreviousHash = previousHash;
        record.Hash = ComputeHash(record);
    }

    private static long TruncateToMicroseconds(long ticks) =>
        ticks - (ticks % TimeSpan.TicksPerMicrosecond);

    private static void WriteInt64(ArrayBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(buffer.GetSpan(sizeof(long)), value);
        buffer.Advance(sizeof(long));
    }

    private static void WriteGuid(ArrayBufferWriter<byte> buffer, Guid value)
    {
        value.TryWriteBytes(buffer.GetSpan(16), bigEndian: true, out var written);
        buffer.Advance(written);
    }

    private static void WriteNullableGuid(ArrayBufferWriter<byte> buffer, Guid? value)
    {
        WritePresence(buffer, value.HasValue);
        if (value.HasValue)
        {
            WriteGuid(buffer, value.Value);
        }
    }

    private static void WriteNullableString(ArrayBufferWriter<byte> buffer, string? value)
    {
        WritePresence(buffer, value is not null);
        if (value is not null)
        {
            WriteString(buffer, value);
        }
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string value)
    {
        WriteInt64(buffer, value.Length);
        var bytes = value.Length * sizeof(char);
        var destination = buffer.GetSpan(bytes)[..bytes];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(value.AsSpan()).CopyTo(destination);
        }
        else
        {
            for (var i = 0; i < value.Length; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(destination[(i * sizeof(char))..], value[i]);
            }
        }

        buffer.Advance(bytes);
    }

    private static void WritePresence(ArrayBufferWriter<byte> buffer, bool present)
    {
        buffer.GetSpan(1)[0] = present ? Present : Absent;
        buffer.Advance(1);
    }
}
