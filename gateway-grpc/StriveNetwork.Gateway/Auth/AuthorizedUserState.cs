using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Grpc.Core;

namespace StriveNetwork.Gateway.Auth;

/// <summary>
/// The user state of an <see cref="AuthorizedServerCallContext"/>: answers Grpc.AspNetCore's own lookup of the
/// HttpContext (its service activation calls <c>GetHttpContext()</c> on every call, which on a context that is not its
/// own reads <c>UserState["__HttpContext"]</c>) without touching the inner context's dictionary; anything else goes to
/// that dictionary, prepared on first use with the HttpContext and the caller in it.
/// </summary>
/// <remarks>
/// Why (docs/adr/0014, addendum "what the unary profile showed"): forwarding to the inner user state made every call,
/// cached reads included, allocate the inner dictionary (HttpContext.Items) and fill it, ~8 % of a GetPartnership's
/// server time in the profile.
/// </remarks>
internal sealed class AuthorizedUserState(ServerCallContext inner, object? httpContext, Caller caller) : IDictionary<object, object>
{
    /// <summary>The key under which Grpc.AspNetCore's <c>GetHttpContext()</c> looks for the HttpContext.</summary>
    internal const string HttpContextKey = "__HttpContext";

    private IDictionary<object, object>? _state;

    public ICollection<object> Keys => State.Keys;

    public ICollection<object> Values => State.Values;

    public int Count => State.Count;

    public bool IsReadOnly => State.IsReadOnly;

    // A call's handler runs one step at a time, so preparing needs no lock (a repeated write stores the same values).
    private IDictionary<object, object> State => _state ??= Prepare();

    public object this[object key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException();
        set => State[key] = value;
    }

    public bool TryGetValue(object key, [MaybeNullWhen(false)] out object value)
    {
        if (_state is null && httpContext is not null && HttpContextKey.Equals(key))
        {
            value = httpContext;
            return true;
        }

        return State.TryGetValue(key, out value);
    }

    public bool ContainsKey(object key) => TryGetValue(key, out _);

    public void Add(object key, object value) => State.Add(key, value);

    public bool Remove(object key) => State.Remove(key);

    public void Add(KeyValuePair<object, object> item) => State.Add(item);

    public void Clear() => State.Clear();

    public bool Contains(KeyValuePair<object, object> item) => State.Contains(item);

    public void CopyTo(KeyValuePair<object, object>[] array, int arrayIndex) => State.CopyTo(array, arrayIndex);

    public bool Remove(KeyValuePair<object, object> item) => State.Remove(item);

    public IEnumerator<KeyValuePair<object, object>> GetEnumerator() => State.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private IDictionary<object, object> Prepare()
    {
        var state = inner.UserState;
        if (httpContext is not null && !state.ContainsKey(HttpContextKey))
        {
            state[HttpContextKey] = httpContext;
        }

        inner.SetCaller(caller);
        return state;
    }
}
