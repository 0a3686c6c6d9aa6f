#!/usr/bin/env python3
"""Where Guard's analyzers spend their time in a traced csc run (docs/benchmarks.md, "Fourth run").

  dotnet-trace collect --profile dotnet-sampled-thread-time -o csc.nettrace -- dotnet <csc.dll> @<rsp> /parallel-
  dotnet-trace convert csc.nettrace --format Speedscope -o csc
  tests/Guard.Analyzers.Benchmarks/guard-frames.py csc.speedscope.json [rows]

Prints the sampled time of every stack with a Guard frame, by the rule's entry frame, and by the deepest Guard frame
with the frame it called (what Guard asked Roslyn or the runtime to do). The .rsp is the csc command line that
GUARD_BENCH_SEQUENTIAL=1 run.sh writes. Times are thread time on the sampled threads, in milliseconds.
"""
import collections
import json
import sys


def short(name, width):
    return name.split('!')[-1].split('(')[0][-width:]


def main():
    trace = json.load(open(sys.argv[1]))
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    frames = [f['name'] for f in trace['shared']['frames']]
    is_guard = ['Guard.Analyzers' in n for n in frames]
    total = 0.0
    by_rule = collections.Counter()
    by_callee = collections.Counter()
    for profile in trace['profiles']:
        stack, last = [], None
        for event in profile['events']:
            at = event['at']
            if last is not None and stack:
                guard = [i for i in stack if is_guard[i]]
                if guard:
                    spent = at - last
                    total += spent
                    entry = next((i for i in guard if '.Rules.GRD' in frames[i]), guard[0])
                    by_rule[short(frames[entry], 90)] += spent
                    deepest = guard[-1]
                    below = stack.index(deepest) + 1
                    callee = short(frames[stack[below]], 80) if below < len(stack) else '(itself)'
                    by_callee[(short(frames[deepest], 80), callee)] += spent
            if event['type'] == 'O':
                stack.append(event['frame'])
            else:
                while stack and stack.pop() != event['frame']:
                    pass
            last = at
    print(f'Guard, all samples: {total:.0f} ms')
    print('--- by rule entry')
    for name, spent in by_rule.most_common(rows):
        print(f'{spent:7.0f}  {name}')
    print('--- deepest Guard frame -> what it called')
    for (name, callee), spent in by_callee.most_common(rows):
        print(f'{spent:7.0f}  {name} -> {callee}')


if __name__ == '__main__':
    main()
