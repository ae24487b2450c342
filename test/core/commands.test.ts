import { parseCommand, parseDuration } from '../../core/commands.js';

describe('parseCommand', () => {
  test.each([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['status', { kind: 'status' }],
    ['APPROVERS', { kind: 'approvers' }],
    ['<@U0LOOKOUT> test', { kind: 'test' }],
    ['diagnose shop/cart-7d9f8b6c5-x2k4p', { kind: 'diagnose', namespace: 'shop', pod: 'cart-7d9f8b6c5-x2k4p', text: 'shop/cart-7d9f8b6c5-x2k4p' }],
    ['<@U0LOOKOUT|lookout> diagnose checkout feels slow', { kind: 'diagnose', text: 'checkout feels slow' }],
    ['remind 30m check the rollout', { kind: 'remind', delayMs: 1_800_000, delayText: '30m', text: 'check the rollout' }],
    ['remind 1h30m look at p99', { kind: 'remind', delayMs: 5_400_000, delayText: '1h30m', text: 'look at p99' }],
  ])('%j', (input, expected) => {
    expect(parseCommand(input)).toEqual(expected);
  });

  test.each([
    ['frobnicate', /I don't know 'frobnicate'/],
    ['diagnose', /Tell me what to diagnose/],
    ['diagnose Shop/cart', /'Shop' is not a valid Kubernetes namespace name/],
    ['diagnose shop/Cart_1', /'Cart_1' is not a valid Kubernetes pod name/],
    ['remind soon check it', /could not read 'soon' as a duration/],
    ['remind 30m', /What should I remind you of/],
    ['remind 40d x', /from 1 second to 30 days/],
  ])('%j is refused with what to fix', (input, problem) => {
    const command = parseCommand(input);
    expect(command.kind).toBe('invalid');
    expect(command.kind === 'invalid' && command.problem).toMatch(problem);
  });
});

test('parseDuration', () => {
  expect(parseDuration('90s')).toBe(90_000);
  expect(parseDuration('2h')).toBe(7_200_000);
  expect(parseDuration('1w')).toBe(604_800_000);
  expect(parseDuration('10')).toBeUndefined();
  expect(parseDuration('10mx')).toBeUndefined();
  expect(parseDuration('m10')).toBeUndefined();
});
