using Microsoft.Extensions.Options;

namespace StriveNetwork.Grains.Requests;

/// <summary>Validates <see cref="RequestLogOptions"/> when the host starts, listing every problem by its configuration key.</summary>
internal sealed class RequestLogOptionsValidation : IValidateOptions<RequestLogOptions>
{
    public ValidateOptionsResult Validate(string? name, RequestLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
