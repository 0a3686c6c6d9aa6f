namespace Guard.Analyzers.Caching
{
    /// <summary>Whether a setting (an entry's Size, its expiration, a cache's SizeLimit) is known to be set.</summary>
    internal enum Presence
    {
        No,
        Yes,
        Unknown,
    }

    /// <summary>What is known of a cache entry (Size, expiration) or of cache options (SizeLimit in <see cref="Size"/>).</summary>
    internal readonly struct CacheFacts
    {
        public static readonly CacheFacts None = new CacheFacts(Presence.No, Presence.No);
        public static readonly CacheFacts Unknown = new CacheFacts(Presence.Unknown, Presence.Unknown);

        public CacheFacts(Presence size, Presence expiration)
        {
            Size = size;
            Expiration = expiration;
        }

        public Presence Size { get; }

        public Presence Expiration { get; }

        public static CacheFacts SizeSet(Presence presence) => new CacheFacts(presence, Presence.No);

        public static CacheFacts ExpirationSet(Presence presence) => new CacheFacts(Presence.No, presence);

        /// <summary>Two things done to the same object: a setting made by either is made.</summary>
        public CacheFacts And(CacheFacts other) => new CacheFacts(And(Size, other.Size), And(Expiration, other.Expiration));

        /// <summary>Two values the same variable may hold: known only when both agree.</summary>
        public CacheFacts Or(CacheFacts other) => new CacheFacts(Or(Size, other.Size), Or(Expiration, other.Expiration));

        private static Presence And(Presence a, Presence b) =>
            a == Presence.Yes || b == Presence.Yes ? Presence.Yes :
            a == Presence.Unknown || b == Presence.Unknown ? Presence.Unknown : Presence.No;

        private static Presence Or(Presence a, Presence b) => a == b ? a : Presence.Unknown;
    }
}
