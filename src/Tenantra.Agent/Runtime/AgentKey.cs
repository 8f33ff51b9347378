using System.Security.Cryptography;

namespace Tenantra.Agent.Runtime;

/// <summary>
/// The agent's ECDSA P-256 key pair, made on the machine at enrollment and kept in
/// <c>agent.key</c> (PKCS#8 PEM, readable by the agent's user only on Linux). The private key
/// never leaves the machine; the server holds only the public key.
/// </summary>
public static class AgentKey
{
    public const string FileName = "agent.key";
    public const string PendingFileName = "agent.key.next";

    public static ECDsa Create() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static string PublicKeyOf(ECDsa key) => Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());

    public static void Save(ECDsa key, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
    }

    public static ECDsa Load(string path)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return key;
    }
}
