using Grpc.Core;
using StriveNetwork.Dashboard.Session;
using V1 = StriveNetwork.Gateway.V1;

namespace StriveNetwork.Dashboard.Api;

/// <summary>
/// The strive.v1 API as one signed-in person calls it: every call carries their bearer token and a bounded deadline,
/// so a page shows exactly what the API lets that role read, after the API's suppression.
/// </summary>
public sealed class StriveApi(ApiChannel channel, SignedInPerson person)
{
    /// <summary>Deadline of a unary call.</summary>
    public static readonly TimeSpan UnaryDeadline = TimeSpan.FromSeconds(15);

    private CallInvoker Invoker => channel.Channel.CreateCallInvoker();

    /// <summary>Network aggregates (every role).</summary>
    public V1.NetworkService.NetworkServiceClient Network => new(Invoker);

    /// <summary>Partnerships (own only for a PARTNERSHIP token).</summary>
    public V1.PartnershipService.PartnershipServiceClient Partnerships => new(Invoker);

    /// <summary>Cohorts (member cohorts only for a PARTNERSHIP token).</summary>
    public V1.CohortService.CohortServiceClient Cohorts => new(Invoker);

    /// <summary>Frameworks (every role).</summary>
    public V1.FrameworkService.FrameworkServiceClient Frameworks => new(Invoker);

    /// <summary>Indicators (own only for a PARTNERSHIP token).</summary>
    public V1.IndicatorService.IndicatorServiceClient Indicators => new(Invoker);

    /// <summary>The person the calls are made for.</summary>
    public SignedInPerson Person => person;

    /// <summary>Options of a unary call: the person's token, <see cref="UnaryDeadline"/>, the request's cancellation.</summary>
    public CallOptions Unary(CancellationToken cancellationToken) => With(UnaryDeadline, cancellationToken);

    /// <summary>Options of a call with the given deadline.</summary>
    public CallOptions With(TimeSpan deadline, CancellationToken cancellationToken) =>
        new(new Metadata { { "authorization", "Bearer " + person.Token } }, DateTime.UtcNow + deadline, cancellationToken);

    /// <summary>Every partnership ListPartnerships returns (all pages, bounded to 40 pages of 500).</summary>
    public async Task<IReadOnlyList<V1.PartnershipSummary>> ListAllPartnershipsAsync(V1.ListPartnershipsRequest filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var all = new List<V1.PartnershipSummary>();
        var request = filter.Clone();
        request.PageSize = 500;
        for (var page = 0; page < 40; page++)
        {
            var response = await Network.ListPartnershipsAsync(request, Unary(cancellationToken)).ConfigureAwait(false);
            all.AddRange(response.Partnerships);
            if (string.IsNullOrEmpty(response.NextPageToken))
            {
                break;
            }

            request.PageToken = response.NextPageToken;
        }

        return all;
    }
}
