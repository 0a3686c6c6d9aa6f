using Microsoft.Extensions.Caching.Memory;

namespace TradingBot;

/// <summary>Tick and lot sizes of the exchange's instruments, loaded once at start-up.</summary>
public sealed class InstrumentCatalog(ExchangeClient exchange)
{
    private readonly MemoryCache _instruments = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1_000 });

    public async Task LoadAsync(CancellationToken ct)
    {
        foreach (var instrument in await exchange.GetInstrumentsAsync(ct))
        {
            // GRD005: the cache has a SizeLimit and this entry no Size: MemoryCache throws InvalidOperationException.
            _instruments.Set(instrument.Symbol, instrument, TimeSpan.FromHours(1)); // expect: GRD005
        }
    }

    public Instrument? Find(string symbol) => _instruments.Get<Instrument>(symbol);
}
