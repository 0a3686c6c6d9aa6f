// Every test here drives dotnet builds or whole processes; one at a time is faster on a small machine than all at once.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
