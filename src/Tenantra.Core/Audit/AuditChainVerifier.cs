namespace Tenantra.Core.Audit;

/// <summary>
/// Checks one tenant's audit chain while streaming it, holding only the previous link in memory.
/// Records must be supplied in ascending sequence order; verification stops at the first problem.
/// </summary>
/// <remarks>
/// Valid means: sequences run 1, 2, 3, ... without gaps, each previous hash is the hash of the
/// record before (<see cref="AuditChain.GenesisHash"/> for the first), each hash matches its
/// record's contents, every record has the chain's tenant, and the last record is the one the
/// head names. An empty chain is valid when there is no head or the head is at sequence 0.
/// </remarks>
public static class AuditChainVerifier
{
    public static AuditChainVerification Verify(IEnumerable<AuditRecord> recordsOrderedBySequence, AuditChainHead? head)
    {
        var walk = new ChainWalk(head);
        foreach (var record in recordsOrderedBySequence)
        {
            if (!walk.Accept(record))
            {
                break;
            }
        }

        return walk.Finish();
    }

    public static async Task<AuditChainVerification> VerifyAsync(
        IAsyncEnumerable<AuditRecord> recordsOrderedBySequence,
        AuditChainHead? head,
        CancellationToken cancellationToken = default)
    {
        var walk = new ChainWalk(head);
        await foreach (var record in recordsOrderedBySequence.WithCancellation(cancellationToken))
        {
            if (!walk.Accept(record))
            {
                break;
            }
        }

        return walk.Finish();
    }

    private sealed class ChainWalk(AuditChainHead? head)
    {
        private long _count;
        private string _previousHash = AuditChain.GenesisHash;
        private Guid? _tenantId = head?.TenantId;
        private AuditChainVerification? _failure;

        public bool Accept(AuditRecord record)
        {
            var position = ++_count;
            var problem = FindProblem(record, position);
            if (problem is not null)
            {
                _failure = AuditChainVerification.Invalid(position, position, $"record {position}: {problem}");
                return false;
            }

            _tenantId ??= record.TenantId;
            _previousHash = record.Hash;
            return true;
        }

        public AuditChainVerification Finish()
        {
            if (_failure is not null)
            {
                return _failure;
            }

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
