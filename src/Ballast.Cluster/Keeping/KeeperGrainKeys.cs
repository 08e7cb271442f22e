using Ballast.Protocol;

namespace Ballast.Cluster.Keeping;

/// <summary>Keys of the keeper's grains: a coordinator per deployment (the deployment's name), a vault grain per composed vault (<c>DEPLOYMENT/VAULT</c>).</summary>
public static class KeeperGrainKeys
{
    /// <summary>The vault grain key of <paramref name="vault"/> in <paramref name="deployment"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="deployment"/> is empty or holds a '/'.</exception>
    public static string Vault(string deployment, VaultId vault)
    {
        CheckDeployment(deployment);
        return $"{deployment}/{vault}";
    }

    /// <summary>The deployment and vault of a vault grain key.</summary>
    /// <exception cref="ArgumentException">The key is not <c>DEPLOYMENT/VAULT</c>.</exception>
    public static (string Deployment, VaultId Vault) ParseVault(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == key.Length - 1)
        {
            throw new ArgumentException($"a keeper vault grain key is DEPLOYMENT/VAULT, not '{key}'", nameof(key));
        }

        return (key[..slash], new VaultId(key[(slash + 1)..]));
    }

    /// <summary>Checks that <paramref name="deployment"/> can name a deployment in a key.</summary>
    /// <exception cref="ArgumentException">It is empty or holds a '/'.</exception>
    public static void CheckDeployment(string deployment)
    {
        if (string.IsNullOrEmpty(deployment) || deployment.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"a deployment name is not empty and holds no '/': '{deployment}'", nameof(deployment));
        }
    }
}
