using Microsoft.Extensions.Options;

namespace StriveNetwork.Gateway.Uploads;

/// <summary>Validates <see cref="UploadOptions"/> when the host starts, listing every problem by its configuration key.</summary>
internal sealed class UploadOptionsValidation : IValidateOptions<UploadOptions>
{
    public ValidateOptionsResult Validate(string? name, UploadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
