using System.Collections.Concurrent;
using System.Security.Cryptography;
using Tenantra.Core.Audit;
using Tenantra.Core.Security;
using Tenantra.Data;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Audit;

/// <summary>
/// The server's audit signing keys (ECDSA P-256), private parts wrapped by the master key in
/// <c>audit_signing_keys</c>. The newest signs; every key whose private part unwraps is published
/// and trusted for checking — a row someone added without the master key is neither. Another
/// node's rotation is picked up within a minute. Safe to share between threads.
/// </summary>
public sealed class AuditSigningKeys(IServiceScopeFactory scopes, SecretProtector master, TimeProvider clock, ILogger<AuditSigningKeys> logger) : IDisposable
{
    private const string Purpose = "tenantra.audit-signing-key";
    private static readonly TimeSpan s_refreshAfter = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (ECDsa Key, AuditSigningKey Row)> _keys = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _loading = new(1, 1);
    private string? _activeId;
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    /// <summary>The key that signs now (made on first use).</summary>
    public async Task<ECDsa> SignerAsync(CancellationToken cancellationToken = default)
    {
        if (_activeId is null || clock.GetUtcNow() - _loadedAt > s_refreshAfter)
        {
            await LoadAsync(createIfNone: true, cancellationToken);
        }

        return _keys[_activeId!].Key;
    }

    /// <summary>Every trusted key by id, for checking signatures.</summary>
    public async Task<IReadOnlyDictionary<string, ECDsa>> VerifiersAsync(CancellationToken cancellationToken = default)
    {
        await LoadAsync(createIfNone: true, cancellationToken);
        return _keys.ToDictionary(k => k.Key, k => k.Value.Key, StringComparer.Ordinal);
    }

    /// <summary>The published keys, newest first.</summary>
    public async Task<IReadOnlyList<AuditSigningKey>> PublishedAsync(CancellationToken cancellationToken = default)
    {
        await LoadAsync(createIfNone: true, cancellationToken);
        return [.. _keys.Values.Select(k => k.Row).OrderByDescending(k => k.CreatedAt)];
    }

    /// <summary>Adds a new key and makes it the one that signs; older ones stay published. Returns its id.</summary>
    public async Task<string> RotateAsync(CancellationToken cancellationToken = default)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
            db.AuditSigningKeys.Add(NewKey());
            await db.SaveChangesAsync(cancellationToken);
        }

        await LoadAsync(createIfNone: false, cancellationToken);
        return _activeId!;
    }

    public void Dispose()
    {
        _loading.Dispose();
        foreach (var (key, _) in _keys.Values)
        {
            key.Dispose();
        }
    }

    private AuditSigningKey NewKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new AuditSigningKey
        {
            Id = AuditSignature.KeyIdOf(key),
            PublicKeyPem = key.ExportSubjectPublicKeyInfoPem(),
            ProtectedPrivateKey = master.Protect(Convert.ToBase64String(key.ExportPkcs8PrivateKey()), Purpose),
            CreatedAt = clock.GetUtcNow(),
        };
    }

    private async Task LoadAsync(bool createIfNone, CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
            var stored = await StoredKeys.LoadAsync(db, db.AuditSigningKeys, createIfNone ? NewKey : null, cancellationToken);

            foreach (var row in stored.Where(r => !_keys.ContainsKey(r.Id)))
            {
                if (Unwrap(row) is { } key)
                {
                    _keys[row.Id] = (key, row);
                }
                else
                {
                    logger.LogWarning("Audit signing key {KeyId} does not unwrap with the master key or does not match its id; it is not trusted", row.Id);
                }
            }

            _activeId = _keys.Values.MaxBy(k => k.Row.CreatedAt).Row?.Id;
            _loadedAt = clock.GetUtcNow();
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>The row's key, when its private part unwraps and its public part and id are that key's.</summary>
    private ECDsa? Unwrap(AuditSigningKey row)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(Convert.FromBase64String(master.Unprotect(row.ProtectedPrivateKey, Purpose)), out _);
            if (AuditSignature.KeyIdOf(key) == row.Id && key.ExportSubjectPublicKeyInfoPem() == row.PublicKeyPem)
            {
                return key;
            }
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            logger.LogDebug(ex, "Audit signing key {KeyId} failed to unwrap", row.Id);
        }

        key.Dispose();
        return null;
    }
}
