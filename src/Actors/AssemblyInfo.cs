namespace Tide.Actors;
