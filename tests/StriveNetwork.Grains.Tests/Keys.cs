using System.Security.Cryptography;
using System.Text;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>Request keys as the gateway makes them: a client id and a SHA-256 fingerprint (here of a label standing for the request).</summary>
public static class Keys
{
    public static RequestKey Of(string id, string request = "request") =>
        new(id, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request))));

    /// <summary>A fresh client id (clusters shared by several tests need distinct ids only per grain; this keeps them apart anyway).</summary>
    public static string NewId() => Guid.NewGuid().ToString("D");
}
