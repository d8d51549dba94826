/**
 * The dataset is pinned to one commit of its public repository; every file is checked against
 * these SHA-256 sums (copied from the reference copy's SHA256SUMS) before it is used.
 */
export const DATASET_REPO = 'ieee8023/CraterDataset';
export const DATASET_COMMIT = '646da4c518c1662fad6d3bb607cf04b77213ca7f';
export const DATASET_SOURCE = `${DATASET_REPO}@${DATASET_COMMIT}` as const;
export const DEFAULT_BASE_URL = `https://raw.githubusercontent.com/${DATASET_REPO}/${DATASET_COMMIT}/`;

/** Relative path (as in the repository) -> SHA-256 hex. */
export const DATASET_SHA256 = {
  'bandeira2010_candidates/1_24_tn.csv':
    '11600099b5c314da54eba7c872d7b780ccd21ee2a2bb2694146aa71441c65673',
  'bandeira2010_candidates/1_24_tp.csv':
    'ad8ee264b2c5ff33813c969ea7b34e5440b718e24b75d38b56f1dfb38bd3ec42',
  'bandeira2010_candidates/1_25_tn.csv':
    '2c2dc3cd6cd3245254ca4b30692671e59352ffae19cb7b9a0bf61c090d0a439b',
  'bandeira2010_candidates/1_25_tp.csv':
    '3e6df425de9839abdd748b0898a0fd6296960a33053efc39a1fc96d591c59c28',
  'bandeira2010_candidates/2_24_tn.csv':
    'd9cf3999e69ed0b8407aecb62ccbfb12f678fb947210854de85234d5cd9e3982',
  'bandeira2010_candidates/2_24_tp.csv':
    'd81089bf7c6248a6cdc63970f2d7a75fecc32acde516203b86f6c056ec19e3d2',
  'bandeira2010_candidates/2_25_tn.csv':
    '581d84dbd562366a50b7f1e2aed7f4326bf79510e140dd6b4527bba3810fcafb',
  'bandeira2010_candidates/2_25_tp.csv':
    '32d79c8387d6976017b8898cebc74fb5bf6d222f069d6845145e362e7c3467ef',
  'bandeira2010_candidates/3_24_tn.csv':
    '9fee00e78013265564a85c7bdacdd8a376dcf6bda84a454d6c66c2c2d1e94adc',
  'bandeira2010_candidates/3_24_tp.csv':
    'a51d013d0babc7de44b4c92f6e6b3e57356600cf80e215f69425c637b48c6d6d',
  'bandeira2010_candidates/3_25_tn.csv':
    'd51256ae1c7852ca17b9c64b32b54729b92982cd8015c9b29822c4b67ce3bff2',
  'bandeira2010_candidates/3_25_tp.csv':
    'c49a9c030d335c33304679460975d331751a48e43ea1e2cf4bdadb3d7e3fb83c',
  'bandeira2010_gt/1_24_gt.csv': '77b3f557f68bfc5aeb4e85a2339bb4a5afc0e948b2232133b9883f1fa9fb5396',
  'bandeira2010_gt/1_25_gt.csv': 'd11a52b96c1cc0fa4d2aafe344db4c8a3aec85f52435861072c8f5e9e3a757fb',
  'bandeira2010_gt/2_24_gt.csv': 'adce93b44041cfedfd38db5b075cd8e675b1a21d5272f566a96debd149fa2d7b',
  'bandeira2010_gt/2_25_gt.csv': 'a39a5e453bc9a97ef5a82ccc2c1905f0c289cf513cc0d4421006b4a7acda5324',
  'bandeira2010_gt/3_24_gt.csv': 'd6a99d5a036512427cc80c06d3843000d8506fbc89d15d029c7e87d0e176c8cf',
  'bandeira2010_gt/3_25_gt.csv': 'e48b716a302ffa697eb30f2e5070ecc96ef3eedb0cad76602475c5da2f7e5d8c',
  'urbach2009_tile_images/tile1_24.pgm':
    '69670909c13b442346295030d6f17ff52a97e941b222ec98ea3ffa33db3ec016',
  'urbach2009_tile_images/tile1_25.pgm':
    'd97270481cb63ecfd4c623ba64e1170accd0f8b7d9e0460306f4de5378d6cb75',
  'urbach2009_tile_images/tile2_24.pgm':
    '6dcbdd40fc6f9a2dde59208887e89940e2cd85be4a0e41100cedbe0edb281cd4',
  'urbach2009_tile_images/tile2_25.pgm':
    '7e120f2e7a1e976335ded1ebbc7d07974c1cf3b92f99e0e3c6d5ce6667cd0b9c',
  'urbach2009_tile_images/tile3_24.pgm':
    '8d4275e549204d81ffcbf9f0dbc704e776552e8ed8ed354c66b6f7ed6e71a4c0',
  'urbach2009_tile_images/tile3_25.pgm':
    '59a20dea750427009cd9ce70bee8a46ddcbdd747b32e9fd2e1a1585a188ecfcc',
} as const satisfies Record<string, string>;

export type DatasetFile = keyof typeof DATASET_SHA256;

export function isDatasetFile(file: string): file is DatasetFile {
  return Object.hasOwn(DATASET_SHA256, file);
}
