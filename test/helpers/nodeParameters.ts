/** Parameters of the two nodes as a user leaves them, for tests that override only what they test. */

export const publishVideoParameters = {
	source: 'binary',
	binaryPropertyName: 'data',
	caption: 'Nouvelle collection #artisan',
	privacyLevel: 'PUBLIC_TO_EVERYONE',
	allowComments: false,
	allowDuet: false,
	allowStitch: false,
	commercialContent: false,
	isAiGenerated: false,
	expectedAccount: '',
	waitForResult: true,
	options: {},
};

export const uploadVideoParameters = {
	source: 'binary',
	binaryPropertyName: 'data',
	expectedAccount: '',
	waitForResult: true,
	options: {},
};
