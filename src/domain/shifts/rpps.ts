/**
 * The RPPS number (Répertoire partagé des professionnels de santé): the French national identifier
 * of a health professional, 11 digits. Its last digit is a Luhn key over the whole number, the same
 * rule as the IDNPS "8" + RPPS of the ANS directory and of the CPS card. Checked against a published
 * practitioner number (10005173140, ANS directory API examples); the mod-97 rule some code bases use
 * rejects it. The key catches every single-digit typo and most swaps of two neighbours, which is
 * what matters on a touch keypad.
 */

const rppsPattern = /^\d{11}$/;

/** The Luhn sum of `digits` where the last digit is the check digit. */
function luhnSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum;
}

/** True for 11 digits whose Luhn key is right. */
export function isValidRpps(value: string): boolean {
  return rppsPattern.test(value) && luhnSum(value) % 10 === 0;
}

/** The check digit that completes 10 digits into a valid RPPS (fixtures, fictitious rosters). */
export function rppsCheckDigit(first10: string): number {
  if (!/^\d{10}$/.test(first10)) throw new RangeError(`expected 10 digits, got ${first10}`);
  return (10 - (luhnSum(`${first10}0`) % 10)) % 10;
}

/** "100 0517 3140": how the number is printed on the CPS card, easier to read back. */
export function formatRpps(rpps: string): string {
  return rppsPattern.test(rpps) ? `${rpps.slice(0, 3)} ${rpps.slice(3, 7)} ${rpps.slice(7)}` : rpps;
}
