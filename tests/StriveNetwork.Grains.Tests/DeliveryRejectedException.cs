namespace StriveNetwork.Grains.Tests;

/// <summary>A call rejected by <see cref="DeliveryFaultFilter"/>: a transient failure, not a domain error.</summary>
[GenerateSerializer, Alias("strive.tests.DeliveryRejectedException")]
public sealed class DeliveryRejectedException : Exception
{
    public DeliveryRejectedException()
    {
    }

    public DeliveryRejectedException(string message)
        : base(message)
    {
    }

    public DeliveryRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
