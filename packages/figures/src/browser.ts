// What a web page may bundle: the colours and number labels of the figures, without resvg (a
// native module) or anything else that needs Node. The dashboard colours its cells with these,
// so the page and the SVG figures never disagree.
export { gainColourScale, gainExtentPp, MIN_GAIN_EXTENT_PP, NO_DATA_FILL } from './gain-colour.js';
export { formatGain, formatPercent, formatTau } from './number-labels.js';
