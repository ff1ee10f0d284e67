namespace Tide.Engine;
