namespace Tide.Engine.Helm.Template;

/// <summary>
/// A template function with its Go signature: fixed parameters, then optionally a variadic tail. The executor checks
/// argument counts and types as Go's reflection does before the body runs.
/// </summary>
public sealed record GoFunction(string Name, GoParam[] Params, GoParam? Tail, Func<object?[], object?> Body)
{
    public static GoFunction Fixed(string name, Func<object?[], object?> body, params GoParam[] parameters) =>
        new(name, parameters, null, body);

    public static GoFunction Variadic(string name, GoParam tail, Func<object?[], object?> body, params GoParam[] parameters) =>
        new(name, parameters, tail, body);

    public GoParam ParamAt(int index) => index < Params.Length ? Params[index] : Tail ?? GoParam.Any;
}
