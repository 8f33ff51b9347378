namespace Tenantra.Server.Integrity;

/// <summary>Drift detection settings (<c>Tenantra:Integrity</c>).</summary>
public sealed class IntegrityOptions
{
    public const string Section = "Tenantra:Integrity";

    /// <summary>
    /// How long after new content an evaluation waits, so that a burst of uploads (an agent back from
    /// an outage, a busy server) is judged once; 0 judges every change at once. Agents collect a
    /// category every 15 minutes by default, so a minute adds little to how soon drift is seen.
    /// </summary>
    public double EvaluationDelaySeconds { get; set; } = 60;
}
