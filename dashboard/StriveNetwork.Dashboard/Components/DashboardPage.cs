using Grpc.Core;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using StriveNetwork.Dashboard.Api;
using StriveNetwork.Dashboard.Session;

namespace StriveNetwork.Dashboard.Components;

/// <summary>
/// Base of the pages that read the API: the signed-in person's <see cref="StriveApi"/>, and the mapping of a failed
/// call to a page (UNAUTHENTICATED ends the session and redirects to /signin; PERMISSION_DENIED and NOT_FOUND are the
/// same 404; INVALID_ARGUMENT 400; anything else 503).
/// </summary>
public abstract class DashboardPage : ComponentBase
{
    /// <summary>The request (static server rendering).</summary>
    [CascadingParameter] public HttpContext HttpContext { get; set; } = default!;

    /// <summary>The loopback channel.</summary>
    [Inject] public ApiChannel Channel { get; set; } = default!;

    /// <summary>For the redirect to /signin.</summary>
    [Inject] public NavigationManager Navigation { get; set; } = default!;

    /// <summary>The signed-in person.</summary>
    protected SignedInPerson Person => CurrentPerson.Required(HttpContext);

    /// <summary>What went wrong (None while the page shows its content).</summary>
    protected PageFailure Failure { get; private set; }

    /// <summary>The fixed text of a 400 (naming the field, never echoing its value).</summary>
    protected string? FailureDetail { get; private set; }

    /// <summary>Runs <paramref name="load"/> with the person's API; false (and <see cref="Failure"/> set) when a call failed.</summary>
    protected async Task<bool> LoadAsync(Func<StriveApi, CancellationToken, Task> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        if (!Channel.IsConnected)
        {
            Fail(PageFailure.Unavailable);
            return false;
        }

        try
        {
            await load(new StriveApi(Channel, Person), HttpContext.RequestAborted);
            return true;
        }
        catch (RpcException exception)
        {
            Fail(PageFailures.Of(exception.StatusCode));
            return false;
        }
    }

    /// <summary>Shows the failure page with its status, or ends the session.</summary>
    protected void Fail(PageFailure failure, string? detail = null)
    {
        if (failure == PageFailure.SignedOut)
        {
            SessionCookie.Clear(HttpContext);
            Navigation.NavigateTo("/signin");
            return;
        }

        Failure = failure;
        FailureDetail = detail;
        // Set as the headers go out: the component renderer writes no body for a response that is already a 404 when
        // it renders (it leaves 404s to a Not Found page), and this page is that Not Found page.
        var status = PageFailures.HttpStatus(failure);
        HttpContext.Response.OnStarting(() =>
        {
            HttpContext.Response.StatusCode = status;
            return Task.CompletedTask;
        });
    }
}
