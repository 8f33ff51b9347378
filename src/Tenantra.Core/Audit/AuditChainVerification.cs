namespace Tenantra.Core.Audit;

/// <summary>
/// The outcome of checking one tenant's audit chain. <see cref="RecordsChecked"/> counts the
/// records read, including the one that failed; <see cref="FirstBadSequence"/> is the position
/// where the chain first went wrong, or null when only the head is missing.
/// </summary>
public sealed record AuditChainVerification(bool IsValid, long RecordsChecked, long? FirstBadSequence, string? Problem)
{
    public static AuditChainVerification Valid(long recordsChecked) => new(true, recordsChecked, null, null);

    public static AuditChainVerification Invalid(long recordsChecked, long? firstBadSequence, string problem) =>
        new(false, recordsChecked, firstBadSequence, problem);
}
