using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Tide.ApiServer.Tests")]
