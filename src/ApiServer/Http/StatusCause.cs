namespace Tide.ApiServer.Http;

/// <summary>One cause of an Invalid Status: "FieldValueInvalid" on "spec.selector", with a message.</summary>
public sealed record StatusCause(string Reason, string Field, string Message);
