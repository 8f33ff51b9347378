using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Tenantra.Core.Agents;
using Tenantra.Core.Security;
using Tenantra.Data;
using Tenantra.Server.Platform;

namespace Tenantra.Server.Agents;

/// <summary>
/// Encrypts snapshot payloads at rest with AES-256-GCM under data keys kept in <c>payload_keys</c>,
/// each wrapped by the master key. New payloads use the newest key; a payload records its key id, so
/// rotating (adding a key) never makes older payloads unreadable. Another node's rotation is picked up
/// within <see cref="RefreshAfter"/>. Safe to share between threads.
/// </summary>
public sealed class PayloadKeyRing(IServiceScopeFactory scopes, SecretProtector master, TimeProvider clock) : IDisposable
{
    private const string Purpose = "tenantra.payload-key";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] s_associatedData = "tenantra-snapshot-v1"u8.ToArray();
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<int, byte[]> _keys = new();
    private readonly SemaphoreSlim _loading = new(1, 1);
    private int _activeId;
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    public async Task<(int KeyId, byte[] Ciphertext)> EncryptAsync(ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken = default)
    {
        if (_activeId == 0 || clock.GetUtcNow() - _loadedAt > RefreshAfter)
        {
            await LoadAsync(createIfNone: true, cancellationToken);
        }

        var keyId = _activeId;
        var output = new byte[NonceSize + plaintext.Length + TagSize];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using var aes = new AesGcm(_keys[keyId], TagSize);
        aes.Encrypt(output.AsSpan(0, NonceSize), plaintext.Span, output.AsSpan(NonceSize, plaintext.Length), output.AsSpan(NonceSize + plaintext.Length), s_associatedData);
        return (keyId, output);
    }

    /// <exception cref="CryptographicException">The payload was altered or its key is gone.</exception>
    public async Task<byte[]> DecryptAsync(int keyId, byte[] ciphertext, CancellationToken cancellationToken = default)
    {
        if (!_keys.ContainsKey(keyId))
        {
            await LoadAsync(createIfNone: false, cancellationToken);
        }

        if (!_keys.TryGetValue(keyId, out var key) || ciphertext.Length < NonceSize + TagSize)
        {
            throw new CryptographicException($"Payload key {keyId} is unknown or the payload is malformed.");
        }

        var plain = new byte[ciphertext.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(ciphertext.AsSpan(0, NonceSize), ciphertext.AsSpan(NonceSize, plain.Length), ciphertext.AsSpan(NonceSize + plain.Length), plain, s_associatedData);
        return plain;
    }

    /// <summary>Adds a new data key and makes it the one new payloads use; returns its id.</summary>
    public async Task<int> RotateAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
        var next = (await db.PayloadKeys.MaxAsync(k => (int?)k.Id, cancellationToken) ?? 0) + 1;
        db.PayloadKeys.Add(NewKey(next));
        await db.SaveChangesAsync(cancellationToken);
        await LoadAsync(createIfNone: false, cancellationToken);
        return next;
    }

    public void Dispose() => _loading.Dispose();

    private PayloadKey NewKey(int id) => new()
    {
        Id = id,
        ProtectedKey = master.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), Purpose),
        CreatedAt = clock.GetUtcNow(),
    };

    private async Task LoadAsync(bool createIfNone, CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TenantraDbContext>();
            var stored = await StoredKeys.LoadAsync(db, db.PayloadKeys, createIfNone ? () => NewKey(1) : null, cancellationToken);

            foreach (var key in stored)
            {
                _keys.TryAdd(key.Id, Convert.FromBase64String(master.Unprotect(key.ProtectedKey, Purpose)));
            }

            _activeId = stored.Count == 0 ? 0 : stored.Max(k => k.Id);
            _loadedAt = clock.GetUtcNow();
        }
        finally
        {
            _loading.Release();
        }
    }
}
