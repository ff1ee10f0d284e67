namespace Tide.ApiServer.Tests;

[CollectionDefinition(Name)]
public sealed class ApiServerCollection : ICollectionFixture<ApiServerFixture>
{
    public const string Name = "apiserver";
}
