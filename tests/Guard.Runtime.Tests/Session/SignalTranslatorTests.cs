using System;
using System.Collections.Generic;
using System.Linq;
using Guard.Runtime.Session;
using Guard.Runtime.Signals;

namespace Guard.Runtime.Tests.Session;

public class SignalTranslatorTests
{
    private static readonly DateTime T0 = new(2026, 11, 22, 5, 0, 0, DateTimeKind.Utc);
    private readonly List<Signal> _signals = new();
    private readonly SignalTranslator _translator;

    public SignalTranslatorTests() => _translator = new SignalTranslator(_signals.Add);

    [Fact]
    public void A_suspension_for_GC_and_its_restart_make_a_pause()
    {
        _translator.OnSuspendStart(T0, reason: 1);
        _translator.OnRestartEnd(T0.AddMilliseconds(42));
        var pause = Assert.IsType<GcPauseSignal>(Assert.Single(_signals));
        Assert.Equal(TimeSpan.FromMilliseconds(42), pause.Duration);
        Assert.Equal(T0, pause.Start);
    }

    [Fact]
    public void Suspensions_that_are_not_for_a_collection_are_not_GC_pauses()
    {
        _translator.OnSuspendStart(T0, reason: 5); // the debugger
        _translator.OnRestartEnd(T0.AddMilliseconds(300));
        _translator.OnRestartEnd(T0.AddMilliseconds(400)); // a restart without a suspension
        Assert.Empty(_signals);
    }

    [Fact]
    public void Collections_carry_generation_reason_and_kind()
    {
        _translator.OnGcStart(T0, number: 7, generation: 2, reason: 1, type: 0);
        _translator.OnGcStart(T0, number: 8, generation: 2, reason: 4, type: 1);
        var induced = Assert.IsType<GcStartSignal>(_signals[0]);
        Assert.True(induced.Induced);
        Assert.False(induced.Background);
        var loh = Assert.IsType<GcStartSignal>(_signals[1]);
        Assert.True(loh.LargeObjectHeapTriggered);
        Assert.True(loh.Background);
        Assert.False(loh.Induced);
    }

    [Fact]
    public void Heap_statistics_take_the_object_bytes_of_all_heaps_and_the_condemned_generation()
    {
        _translator.OnGcStart(T0, 1, generation: 1, reason: 0, type: 0);
        _translator.OnGlobalHeapHistory(condemnedGeneration: 2);
        _translator.OnPerHeapHistory(100);
        _translator.OnPerHeapHistory(50);
        _translator.OnHeapStats(T0, 10, 20, 300, 40, 5);
        var heap = Assert.IsType<GcHeapSignal>(_signals[^1]);
        Assert.Equal(2, heap.Generation);
        Assert.Equal(150, heap.ObjectBytes);
        Assert.Equal(375, heap.HeapBytes);
    }

    [Fact]
    public void Without_per_heap_history_the_generation_sizes_stand_in()
    {
        _translator.OnGcStart(T0, 1, generation: 0, reason: 0, type: 0);
        _translator.OnHeapStats(T0, 1, 2, 3, 4, 5);
        var heap = Assert.IsType<GcHeapSignal>(_signals[^1]);
        Assert.Equal(0, heap.Generation);
        Assert.Equal(15, heap.ObjectBytes);

        // The next collection does not inherit the previous one's data.
        _translator.OnGlobalHeapHistory(1);
        _translator.OnPerHeapHistory(9);
        _translator.OnHeapStats(T0, 0, 0, 0, 0, 0);
        _translator.OnHeapStats(T0, 1, 1, 1, 1, 1);
        Assert.Equal(9, ((GcHeapSignal)_signals[^2]).ObjectBytes);
        Assert.Equal(5, ((GcHeapSignal)_signals[^1]).ObjectBytes);
    }

    [Fact]
    public void Counter_payloads_are_read_as_means_or_increments()
    {
        _translator.OnCounterPayload(T0, new Dictionary<string, object> { ["Name"] = "threadpool-queue-length", ["Mean"] = 12.0, ["CounterType"] = "Mean", ["IntervalSec"] = 1.0f });
        _translator.OnCounterPayload(T0, new Dictionary<string, object> { ["Name"] = "threadpool-completed-items-count", ["Increment"] = 250.0, ["CounterType"] = "Sum", ["IntervalSec"] = 2.0f });
        _translator.OnCounterPayload(T0, new Dictionary<string, object> { ["Name"] = "alloc-rate", ["Increment"] = 1000L });
        _translator.OnCounterPayload(T0, new Dictionary<string, object> { ["Mean"] = 1.0 });
        _translator.OnCounterPayload(T0, new Dictionary<string, object> { ["Name"] = "cpu-usage", ["Mean"] = "not a number" });

        Assert.Equal(3, _signals.Count);
        Assert.Equal(new CounterSignal(T0, "threadpool-queue-length", 12, 1), _signals[0]);
        Assert.Equal(new CounterSignal(T0, "threadpool-completed-items-count", 250, 2), _signals[1]);
        Assert.Equal(new CounterSignal(T0, "alloc-rate", 1000, 1), _signals[2]);
    }

    [Fact]
    public void Allocation_samples_without_a_type_name_are_still_counted()
    {
        _translator.OnAllocationTick(T0, null, 100_000, largeObject: false);
        Assert.Equal("(unknown type)", Assert.IsType<AllocationSampleSignal>(Assert.Single(_signals)).TypeName);
    }

    // Issue 11, defect 3: ~2,000 gen2 collections a second. Past the shed threshold the translator only adds to counters
    // and sends one summary per interval, saying so once.
    [Fact]
    public void A_flood_of_collections_is_summarized_and_said_so()
    {
        var notices = new List<string>();
        _translator.Notice += notices.Add;
        var number = 0;
        // Two seconds at 2,000 full collections a second, 0.1 ms of pause each.
        for (var i = 0; i < 4000; i++)
        {
            var t = T0.AddTicks(i * 5000); // every 0.5 ms
            _translator.OnSuspendStart(t, reason: 1);
            _translator.OnGcStart(t, ++number, generation: 2, reason: 4, type: 0);
            _translator.OnRestartEnd(t.AddTicks(1000));
            _translator.OnGlobalHeapHistory(2);
            if (_translator.WantsPerHeapHistory)
                _translator.OnPerHeapHistory(50_000_000 + i);
            _translator.OnHeapStats(t.AddTicks(1000), 1, 1, 1, 1, 1);
        }
        _translator.Flush();

        var shed = Assert.Single(notices);
        Assert.Contains("per-collection detail is shed", shed);
        Assert.True(_translator.Shedding);
        Assert.Equal(1, _translator.ShedEpisodes);

        // Every collection is still counted, and every pause's time, but in a handful of signals.
        var starts = _signals.OfType<GcStartSignal>().ToList();
        Assert.Equal(4000, starts.Sum(s => s.Count));
        // The first quarter second (500 collections) passes one by one, until the rate is measured; the rest is summarized.
        Assert.True(starts.Count(s => s.Count == 1) <= 501, $"{starts.Count(s => s.Count == 1)} single collections");
        Assert.True(_signals.Count < 1600, $"{_signals.Count} signals for 4000 collections");
        Assert.True(starts.Where(s => s.Count > 1).All(s => s.LargeObjectHeapTriggered));
        var pauses = _signals.OfType<GcPauseSignal>().ToList();
        Assert.Equal(4000, pauses.Sum(p => p.Count));
        Assert.Equal(0.4, pauses.Sum(p => p.Duration.TotalSeconds), 3);
        Assert.All(pauses.Where(p => p.Count > 1), p => Assert.Equal(TimeSpan.FromTicks(1000), p.LongestPause));
        // The heap after the last full collection of each interval, from the per-heap data.
        var heaps = _signals.OfType<GcHeapSignal>().ToList();
        Assert.All(heaps, h => Assert.Equal(2, h.Generation));
        Assert.Equal(50_000_000 + 3999, heaps[^1].ObjectBytes);
    }

    [Fact]
    public void Detail_comes_back_when_the_flood_ends()
    {
        var notices = new List<string>();
        _translator.Notice += notices.Add;
        for (var i = 0; i < 1000; i++)
            _translator.OnGcStart(T0.AddTicks(i * 5000), i, generation: 0, reason: 0, type: 0);
        Assert.True(_translator.Shedding);
        // Then ten collections a second.
        for (var i = 0; i < 30; i++)
            _translator.OnGcStart(T0.AddSeconds(0.6 + i * 0.1), 1000 + i, generation: 0, reason: 0, type: 0);

        Assert.False(_translator.Shedding);
        Assert.Equal(2, notices.Count);
        Assert.Contains("resumed", notices[1]);
        Assert.Equal(1030, _signals.OfType<GcStartSignal>().Sum(s => s.Count));
        Assert.Equal(1, ((GcStartSignal)_signals[^1]).Count);
    }

    [Fact]
    public void Under_a_flood_one_allocation_sample_in_eight_is_kept_with_its_bytes_scaled()
    {
        for (var i = 0; i < 400; i++)
            _translator.OnGcStart(T0.AddTicks(i * 20000), i, generation: 0, reason: 0, type: 0);
        Assert.True(_translator.Shedding);
        var kept = 0;
        for (var i = 0; i < 80; i++)
        {
            if (_translator.WantsAllocationTick())
            {
                kept++;
                _translator.OnAllocationTick(T0.AddSeconds(1), "System.Byte[]", 100_000, largeObject: false);
            }
        }
        Assert.Equal(10, kept);
        Assert.All(_signals.OfType<AllocationSampleSignal>(), a => Assert.Equal(800_000, a.Bytes));
    }
}
