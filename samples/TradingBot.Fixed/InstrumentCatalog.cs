using Microsoft.Extensions.Caching.Memory;

namespace TradingBot.Fixed;

/// <summary>Tick and lot sizes of the exchange's instruments, loaded once at start-up.</summary>
public sealed class InstrumentCatalog(ExchangeClient exchange)
{
    private readonly MemoryCache _instruments = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1_000 });

    public async Task LoadAsync(CancellationToken ct)
    {
        foreach (var instrument in await exchange.GetInstrumentsAsync(ct))
        {
            // With a SizeLimit, every entry states its Size.
            _instruments.Set(instrument.Symbol, instrument, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1) });
        }
    }

    public Instrument? Find(string symbol) => _instruments.Get<Instrument>(symbol);
}
