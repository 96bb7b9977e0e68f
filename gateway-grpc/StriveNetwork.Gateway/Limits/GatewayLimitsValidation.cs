using Microsoft.Extensions.Options;

namespace StriveNetwork.Gateway.Limits;

/// <summary>Validates <see cref="GatewayLimits"/> when the host starts, listing every problem by its configuration key.</summary>
internal sealed class GatewayLimitsValidation : IValidateOptions<GatewayLimits>
{
    public ValidateOptionsResult Validate(string? name, GatewayLimits options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
