using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using StriveNetwork.Gateway.Errors;

namespace StriveNetwork.Gateway.Limits;

/// <summary>
/// Checks a request message against <see cref="FieldLimits"/>: every string field's length and every repeated
/// field's count, recursively through nested messages. The fields to visit are worked out once per message type from
/// its descriptor, so a check costs one pass over the fields that can carry strings or lists. The first field over
/// its limit ends the call with INVALID_ARGUMENT <c>"chunk.rows[3].client_ref: at most 100 characters"</c>, naming the
/// field path, never quoting the value.
/// </summary>
public static class RequestFieldValidator
{
    private static readonly ConcurrentDictionary<MessageDescriptor, Plan> Plans = new();
    private static readonly Lock BuildLock = new();

    /// <summary>Throws INVALID_ARGUMENT naming the first field over its limit; does nothing for non-protobuf messages.</summary>
    public static void Check(object? message)
    {
        if (message is IMessage protobuf && Problem(protobuf) is { } problem)
        {
            throw GatewayErrors.Invalid(problem.Path, problem.Rule);
        }
    }

    /// <summary>The first field over its limit (path and rule), or null when every field is within its limit.</summary>
    public static (string Path, string Rule)? Problem(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Visit(message, PlanOf(message.Descriptor), null);
    }

    private static Plan PlanOf(MessageDescriptor descriptor)
    {
        if (Plans.TryGetValue(descriptor, out var plan))
        {
            return plan;
        }

        // Built under a lock and published only when complete, so no call sees a half-built plan.
        lock (BuildLock)
        {
            var building = new Dictionary<MessageDescriptor, Plan>();
            Build(descriptor, building);
            foreach (var (type, built) in building)
            {
                Plans.TryAdd(type, built);
            }

            return Plans[descriptor];
        }
    }

    private static Plan Build(MessageDescriptor descriptor, Dictionary<MessageDescriptor, Plan> building)
    {
        if (Plans.TryGetValue(descriptor, out var done))
        {
            return done;
        }

        if (building.TryGetValue(descriptor, out var plan))
        {
            // A recursive message type: its plan is being filled further up.
            return plan;
        }

        plan = new Plan();
        building[descriptor] = plan;
        var checks = new List<FieldCheck>();
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            var isMessage = field.FieldType is FieldType.Message or FieldType.Group;
            if (field.IsMap)
            {
                var value = field.MessageType.FindFieldByNumber(2);
                var valuePlan = value.FieldType == FieldType.Message ? Build(value.MessageType, building) : null;
                checks.Add(new FieldCheck(field, FieldLimits.ListCount(field), 0, valuePlan, IsMapField: true));
            }
            else if (field.IsRepeated)
            {
                var nested = isMessage ? Build(field.MessageType, building) : null;
                var length = field.FieldType == FieldType.String ? FieldLimits.StringLength(field) : 0;
                checks.Add(new FieldCheck(field, FieldLimits.ListCount(field), length, nested, IsMapField: false));
            }
            else if (field.FieldType == FieldType.String)
            {
                checks.Add(new FieldCheck(field, 0, FieldLimits.StringLength(field), null, IsMapField: false));
            }
            else if (isMessage)
            {
                checks.Add(new FieldCheck(field, 0, 0, Build(field.MessageType, building), IsMapField: false));
            }
        }

        plan.Checks = [.. checks];
        return plan;
    }

    private static (string Path, string Rule)? Visit(IMessage message, Plan plan, string? prefix)
    {
        foreach (var check in plan.Checks)
        {
            var field = check.Field;
            var value = field.Accessor.GetValue(message);
            if (check.IsMapField)
            {
                var map = (IDictionary)value;
                if (map.Count > check.MaxCount)
                {
                    return (Path(prefix, field.Name), Entries(check.MaxCount));
                }

                if (check.Nested is not null)
                {
                    foreach (DictionaryEntry entry in map)
                    {
                        if (entry.Value is IMessage nested && Visit(nested, check.Nested, $"{Path(prefix, field.Name)}[value]") is { } problem)
                        {
                            return problem;
                        }
                    }
                }
            }
            else if (field.IsRepeated)
            {
                var list = (IList)value;
                if (list.Count > check.MaxCount)
                {
                    return (Path(prefix, field.Name), Entries(check.MaxCount));
                }

                for (var i = 0; i < list.Count; i++)
                {
                    var problem = list[i] switch
                    {
                        string text when text.Length > check.MaxLength => (Index(prefix, field.Name, i), Characters(check.MaxLength)),
                        IMessage nested when check.Nested is { Checks.Length: > 0 } => Visit(nested, check.Nested, Index(prefix, field.Name, i)),
                        _ => ((string, string)?)null,
                    };
                    if (problem is not null)
                    {
                        return problem;
                    }
                }
            }
            else if (value is string text)
            {
                if (text.Length > check.MaxLength)
                {
                    return (Path(prefix, field.Name), Characters(check.MaxLength));
                }
            }
            else if (value is IMessage nested && check.Nested is { Checks.Length: > 0 } && Visit(nested, check.Nested, Path(prefix, field.Name)) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string Path(string? prefix, string name) => prefix is null ? name : $"{prefix}.{name}";

    private static string Index(string? prefix, string name, int index) => string.Create(CultureInfo.InvariantCulture, $"{Path(prefix, name)}[{index}]");

    private static string Characters(int max) => string.Create(CultureInfo.InvariantCulture, $"at most {max} characters");

    private static string Entries(int max) => string.Create(CultureInfo.InvariantCulture, $"at most {max} entries");

    private sealed class Plan
    {
        public FieldCheck[] Checks { get; set; } = [];
    }

    private sealed record FieldCheck(FieldDescriptor Field, int MaxCount, int MaxLength, Plan? Nested, bool IsMapField);
}
