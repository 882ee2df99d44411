/**
 * A loop through Bordeaux that a house-call doctor could drive in a night: quays, the boulevards,
 * the hospital quarter and back. Waypoints follow real streets closely enough for a demo map and for
 * reporting-policy figures (turns at junctions, long straights on the boulevards). WGS84 degrees.
 * `limitKmh` is the street's usual speed; the generator adds stops at lights.
 */
export interface Waypoint {
  lat: number;
  lon: number;
  limitKmh: number;
}

export const bordeauxLoop: readonly Waypoint[] = [
  { lat: 44.84149, lon: -0.5702, limitKmh: 30 }, // Place de la Bourse
  { lat: 44.84462, lon: -0.5683, limitKmh: 50 }, // Quai Louis XVIII
  { lat: 44.84893, lon: -0.56954, limitKmh: 50 }, // Quai des Chartrons
  { lat: 44.85468, lon: -0.56749, limitKmh: 50 },
  { lat: 44.86092, lon: -0.5583, limitKmh: 50 }, // Bassins à flot
  { lat: 44.86227, lon: -0.5701, limitKmh: 50 }, // Cours Édouard Vaillant
  { lat: 44.86021, lon: -0.58041, limitKmh: 50 }, // Boulevard Alfred Daney
  { lat: 44.85592, lon: -0.59013, limitKmh: 50 }, // Boulevard Godard
  { lat: 44.85027, lon: -0.59823, limitKmh: 50 }, // Barrière du Médoc
  { lat: 44.84349, lon: -0.60296, limitKmh: 50 }, // Boulevard Pierre 1er
  { lat: 44.83757, lon: -0.60597, limitKmh: 50 }, // Barrière Saint-Médard
  { lat: 44.83071, lon: -0.60793, limitKmh: 50 }, // Boulevard du Président Wilson
  { lat: 44.82682, lon: -0.60432, limitKmh: 30 }, // CHU Pellegrin
  { lat: 44.82351, lon: -0.59754, limitKmh: 50 }, // Barrière de Pessac
  { lat: 44.82201, lon: -0.58762, limitKmh: 50 }, // Boulevard George V
  { lat: 44.82144, lon: -0.57765, limitKmh: 50 }, // Barrière de Toulouse
  { lat: 44.82331, lon: -0.5679, limitKmh: 50 }, // Boulevard Jean-Jacques Bosc
  { lat: 44.82657, lon: -0.55789, limitKmh: 50 }, // Gare Saint-Jean
  { lat: 44.83256, lon: -0.56127, limitKmh: 50 }, // Quai de la Monnaie
  { lat: 44.83768, lon: -0.5655, limitKmh: 50 }, // Quai Richelieu
  { lat: 44.83913, lon: -0.57371, limitKmh: 30 }, // Cours Victor Hugo
  { lat: 44.83636, lon: -0.57466, limitKmh: 30 }, // Cours Pasteur
  { lat: 44.83338, lon: -0.57683, limitKmh: 30 }, // Place de la Victoire
  { lat: 44.83481, lon: -0.58172, limitKmh: 30 }, // Cours Aristide Briand
  { lat: 44.83781, lon: -0.58436, limitKmh: 30 }, // Hôpital Saint-André
  { lat: 44.8411, lon: -0.58065, limitKmh: 30 }, // Place Gambetta
  { lat: 44.84226, lon: -0.57522, limitKmh: 30 }, // Cours de l'Intendance
  { lat: 44.84149, lon: -0.5702, limitKmh: 30 }, // back to Place de la Bourse
];
