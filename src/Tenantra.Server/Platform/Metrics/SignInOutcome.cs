namespace Tenantra.Server.Platform.Metrics;

/// <summary>The values of the <c>outcome</c> label on <see cref="TenantraMetrics.SignIns"/>; no others should be recorded.</summary>
public static class SignInOutcome
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string LockedOut = "locked_out";
    public const string TwoFactorRequired = "two_factor_required";

    internal static readonly string[] All = [Success, Failure, LockedOut, TwoFactorRequired];
}
