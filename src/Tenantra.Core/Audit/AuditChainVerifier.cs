using System.Security.Cryptography;

namespace Tenantra.Core.Audit;

/// <summary>
/// Checks one tenant's audit chain while streaming it, holding only the previous link in memory.
/// Records must be supplied in ascending sequence order; verification stops at the first problem.
/// </summary>
/// <remarks>
/// Valid means: sequences run 1, 2, 3, ... without gaps, each previous hash is the hash of the
/// record before (<see cref="AuditChain.GenesisHash"/> for the first), each hash matches its
/// record's contents, every record has the chain's tenant, and the last record is the one the
/// head names. An empty chain is valid when there is no head or the head is at sequence 0. With
/// anchors: each was signed by one of the given keys for this tenant, and the record it names
/// exists with the hash it states — so a chain rewritten or truncated together with its head is
/// still caught, back to the last anchor.
/// </remarks>
public static class AuditChainVerifier
{
    public static AuditChainVerification Verify(
        IEnumerable<AuditRecord> recordsOrderedBySequence, AuditChainHead? head, IReadOnlyList<AuditAnchor>? anchors = null, IReadOnlyDictionary<string, ECDsa>? keys = null)
    {
        var walk = new ChainWalk(head, anchors ?? [], keys);
        foreach (var record in recordsOrderedBySequence)
        {
            if (!walk.Accept(record))
            {
                break;
            }
        }

        return walk.Finish();
    }

    /// <summary>
    /// Streams the chain, or with <paramref name="after"/> only the records after a link already
    /// trusted (a signed anchor): they must continue from it.
    /// </summary>
    public static Task<AuditChainVerification> VerifyAsync(
        IAsyncEnumerable<AuditRecord> recordsOrderedBySequence,
        AuditChainHead? head,
        IReadOnlyList<AuditAnchor>? anchors = null,
        IReadOnlyDictionary<string, ECDsa>? keys = null,
        AuditAnchor? after = null,
        CancellationToken cancellationToken = default) =>
        VerifyAsync(recordsOrderedBySequence.Select(r => new AuditChainPiece(r, null)), head, anchors, keys, after, cancellationToken);

    /// <summary>
    /// Streams the chain as records and sealed archive segments: a segment stands for its records when
    /// the caller has checked its signature and content (<see cref="AuditSignature.IsAuthentic(AuditArchiveSegment, IReadOnlyDictionary{string, ECDsa})"/>),
    /// and must link into the chain like them; anchors inside it are vouched for by its signature, one at
    /// its end must state its last hash.
    /// </summary>
    public static async Task<AuditChainVerification> VerifyAsync(
        IAsyncEnumerable<AuditChainPiece> piecesOrderedBySequence,
        AuditChainHead? head,
        IReadOnlyList<AuditAnchor>? anchors = null,
        IReadOnlyDictionary<string, ECDsa>? keys = null,
        AuditAnchor? after = null,
        CancellationToken cancellationToken = default)
    {
        var walk = new ChainWalk(head, anchors ?? [], keys, after);
        await foreach (var piece in piecesOrderedBySequence.WithCancellation(cancellationToken))
        {
            if (!(piece.Sealed is { } segment ? walk.AcceptSealed(segment) : walk.Accept(piece.Record!)))
            {
                break;
            }
        }

        return walk.Finish();
    }

    private sealed class ChainWalk
    {
        private readonly AuditChainHead? _head;
        private readonly AuditAnchor[] _anchors;
        private long _count;
        private string _previousHash;
        private Guid? _tenantId;
        private int _nextAnchor;
        private AuditChainVerification? _failure;

        public ChainWalk(AuditChainHead? head, IReadOnlyList<AuditAnchor> anchors, IReadOnlyDictionary<string, ECDsa>? keys, AuditAnchor? after = null)
        {
            _head = head;
            _tenantId = head?.TenantId ?? after?.TenantId;
            _count = after?.Sequence ?? 0;
            _previousHash = after?.Hash ?? AuditChain.GenesisHash;
            _anchors = [.. anchors.OrderBy(a => a.Sequence)];
            if (_anchors.Length > 0 && keys is null)
            {
                throw new ArgumentException("Anchors are checked against the signing keys: pass them.", nameof(keys));
            }

            foreach (var anchor in _anchors)
            {
                if (!AuditSignature.IsAuthentic(anchor, keys!))
                {
                    _failure = AuditChainVerification.Invalid(0, anchor.Sequence, $"anchor at record {anchor.Sequence}: its signature does not verify with key {anchor.KeyId}");
                    return;
                }

                if ((_tenantId ??= anchor.TenantId) != anchor.TenantId)
                {
                    _failure = AuditChainVerification.Invalid(0, anchor.Sequence, $"anchor at record {anchor.Sequence} is for tenant {anchor.TenantId}");
                    return;
                }
            }
        }

        public bool Accept(AuditRecord record)
        {
            if (_failure is not null)
            {
                return false;
            }

            var position = ++_count;
            var problem = FindProblem(record, position) ?? CheckAnchors(record);
            if (problem is not null)
            {
                _failure = AuditChainVerification.Invalid(position, position, $"record {position}: {problem}");
                return false;
            }

            _tenantId ??= record.TenantId;
            _previousHash = record.Hash;
            return true;
        }

        public bool AcceptSealed(AuditArchiveSegment segment)
        {
            if (_failure is not null)
            {
                return false;
            }

            var position = _count + 1;
            var problem = segment.FirstSequence != position
                ? (segment.FirstSequence > position ? $"sequence {segment.FirstSequence} follows {position - 1} (gap)" : $"sequence {segment.FirstSequence} follows {position - 1} (repeated or out of order)")
                : segment.LastSequence < segment.FirstSequence ? $"the archive segment from it ends at {segment.LastSequence}"
                : _tenantId is { } tenantId && segment.TenantId != tenantId ? $"the archive segment from it is tenant {segment.TenantId}'s, not the chain's tenant {tenantId}"
                : !string.Equals(segment.PreviousHash, _previousHash, StringComparison.Ordinal)
                    ? (position == 1 ? "previous hash is not the genesis hash" : $"previous hash does not match record {position - 1}")
                : null;
            for (; problem is null && _nextAnchor < _anchors.Length && _anchors[_nextAnchor].Sequence <= segment.LastSequence; _nextAnchor++)
            {
                var anchor = _anchors[_nextAnchor];
                if (anchor.Sequence == segment.LastSequence && !string.Equals(anchor.Hash, segment.LastHash, StringComparison.Ordinal))
                {
                    problem = $"the archive segment from it ends with a hash other than the one anchored {anchor.SignedAt.UtcDateTime:u} at record {anchor.Sequence}";
                }
            }

            if (problem is not null)
            {
                _failure = AuditChainVerification.Invalid(position - 1, position, $"record {position}: {problem}");
                return false;
            }

            _tenantId ??= segment.TenantId;
            _count = segment.LastSequence;
            _previousHash = segment.LastHash;
            return true;
        }

        public AuditChainVerification Finish()
        {
            var result = Conclude();
            var anchored = _anchors.Take(_nextAnchor).LastOrDefault();
            return result with { AnchorsChecked = _nextAnchor, AnchoredThrough = anchored?.Sequence, LastAnchoredAt = anchored?.SignedAt };
        }

        private AuditChainVerification Conclude()
        {
            if (_failure is not null)
            {
                return _failure;
            }

            if (_nextAnchor < _anchors.Length)
            {
                var lost = _anchors[_nextAnchor];
                var ending = _count == 0 ? "the chain is empty" : $"the chain ends at record {_count}";
                return AuditChainVerification.Invalid(
                    _count, _count + 1, $"{ending}, but an anchor signed {lost.SignedAt.UtcDateTime:u} vouches for record {lost.Sequence}: records were removed");
            }

            var head = _head;

            if (head is null)
            {
                return _count == 0
                    ? AuditChainVerification.Valid(0)
                    : AuditChainVerification.Invalid(_count, null, "chain has records but no head");
            }

            if (_count < head.LastSequence)
            {
                var ending = _count == 0 ? "chain is empty" : $"chain ends at {_count}";
                return AuditChainVerification.Invalid(_count, _count + 1, $"{ending} but head says {head.LastSequence}");
            }

            if (_count > head.LastSequence)
            {
                return AuditChainVerification.Invalid(
                    _count, head.LastSequence + 1, $"chain ends at {_count} but head says {head.LastSequence}");
            }

            if (_count > 0 && !string.Equals(_previousHash, head.LastHash, StringComparison.Ordinal))
            {
                return AuditChainVerification.Invalid(_count, _count, $"record {_count}: hash does not match the head");
            }

            return AuditChainVerification.Valid(_count);
        }

        /// <summary>Anchors naming this record must state its hash (several may, when nothing was added between them).</summary>
        private string? CheckAnchors(AuditRecord record)
        {
            for (; _nextAnchor < _anchors.Length && _anchors[_nextAnchor].Sequence == record.Sequence; _nextAnchor++)
            {
                if (!string.Equals(_anchors[_nextAnchor].Hash, record.Hash, StringComparison.Ordinal))
                {
                    return $"hash differs from the one anchored {_anchors[_nextAnchor].SignedAt.UtcDateTime:u}";
                }
            }

            return null;
        }

        private string? FindProblem(AuditRecord record, long position)
        {
            if (record.Sequence != position)
            {
                return position == 1 ? $"sequence is {record.Sequence}, but a chain starts at 1"
                    : record.Sequence > position ? $"sequence {record.Sequence} follows {position - 1} (gap)"
                    : $"sequence {record.Sequence} follows {position - 1} (repeated or out of order)";
            }

            if (_tenantId is { } tenantId && record.TenantId != tenantId)
            {
                return $"tenant {record.TenantId} is not the chain's tenant {tenantId}";
            }

            if (!string.Equals(record.PreviousHash, _previousHash, StringComparison.Ordinal))
            {
                return position == 1
                    ? "previous hash is not the genesis hash"
                    : $"previous hash does not match record {position - 1}";
            }

            if (!string.Equals(record.Hash, AuditChain.ComputeHash(record), StringComparison.Ordinal))
            {
                return "hash does not match its contents";
            }

            return null;
        }
    }
}

/// <summary>One piece of a chain as verification reads it: a record, or a sealed archive segment standing for its records.</summary>
public readonly record struct AuditChainPiece(AuditRecord? Record, AuditArchiveSegment? Sealed);
