import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { DEDUP_MAX_ENTRIES } from '../TikTok/core/webhook/webhookDeduplication';
import { DEFAULT_TIMESTAMP_TOLERANCE_SEC } from '../TikTok/core/webhook/webhookSignature';
import { ACCOUNTS_ALL, ACCOUNTS_OWN, ALL_EVENTS, handleTikTokDelivery } from './handleWebhookRequest';

/**
 * Starts a workflow from TikTok's own webhook events. TikTok has no API to register a webhook: the
 * app has one callback URL, set by hand in the developer portal (the node's notice says where).
 */
export class TikTokTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'TikTok Trigger',
		name: 'tikTokTrigger',
		icon: { light: 'file:tiktok.svg', dark: 'file:tiktok.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["events"] || []).includes("*") ? "All events" : ($parameter["events"] || []).join(", ") }}',
		description:
			'Starts the workflow when TikTok reports a post event: published, failed, draft delivered, publicly available, or access removed.',
		defaults: { name: 'TikTok Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'tikTokOAuth2Api', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// TikTok only reads the status. Without this n8n 2.41 answers the text "firstEntryJson".
				responseData: 'noData',
				path: 'webhook',
			},
		],
		triggerPanel: {
			header: 'Paste the Production URL into your TikTok app (developer portal > your app > Webhooks > Callback URL)',
			executionsHelp: {
				inactive:
					"TikTok calls one callback URL per app. <b>While building your workflow</b>, you can put the Test URL in the TikTok developer portal, click 'listen', then post a video: the next TikTok event shows up in this editor.<br /><br /><b>To run automatically</b>, put the <b>Production URL</b> in the portal and publish the workflow. TikTok only calls https addresses. Executions show up in the <a data-key='executions'>executions list</a>, not in the editor.",
				active:
					"TikTok calls one callback URL per app. <b>While building your workflow</b>, you can put the Test URL in the TikTok developer portal, click 'listen', then post a video: the next TikTok event shows up in this editor.<br /><br /><b>Your workflow also runs automatically</b> for every event TikTok sends to the <b>Production URL</b>, since it is published. Executions show up in the <a data-key='executions'>executions list</a>, not in the editor.",
			},
			activationHint:
				'Once the Production URL is set as the Callback URL of your TikTok app, publish the workflow to receive every event.',
		},
		properties: [
			{
				displayName:
					'TikTok has no API to register webhooks. Copy the <b>Production URL</b> shown under <b>Webhook URLs</b> above and paste it in the <a href="https://developers.tiktok.com/apps" target="_blank">TikTok developer portal</a>: your app > <b>Webhooks</b> > <b>Callback URL</b>, then publish this workflow. TikTok only calls <b>https</b> addresses, so n8n must be reachable over https (n8n\'s WEBHOOK_URL setting). An app has one callback URL: use one TikTok Trigger per app and filter events below. Requests are checked with the Client Secret of the selected TikTok credential.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: [ALL_EVENTS],
				description: 'The TikTok events that start the workflow; others are acknowledged and ignored',
				options: [
					{
						name: 'All Events',
						value: ALL_EVENTS,
						description: 'Every event, including events TikTok adds later',
					},
					{
						name: 'Authorization Removed',
						value: 'authorization.removed',
						description: 'The account disconnected the app (or was deleted or banned): the token no longer works',
					},
					{
						name: 'Draft Delivered to Inbox',
						value: 'post.publish.inbox_delivered',
						description: 'A draft sent by TikTok Upload Video reached the creator\'s TikTok inbox',
					},
					{
						name: 'Post Failed',
						value: 'post.publish.failed',
						description: 'TikTok could not publish the post; the reason is explained in the output',
					},
					{
						name: 'Post No Longer Publicly Available',
						value: 'post.publish.no_longer_publicaly_available',
						description: 'A public post was made private or removed',
					},
					{
						name: 'Post Published',
						value: 'post.publish.complete',
						description:
							'TikTok finished the post (for a draft: the creator posted it from the inbox). Public posts may still be in moderation.',
					},
					{
						name: 'Post Publicly Available',
						value: 'post.publish.publicly_available',
						description: 'A public post passed moderation: the output has its post ID and URL',
					},
				],
			},
			{
				displayName: 'Accounts',
				name: 'accounts',
				type: 'options',
				default: ACCOUNTS_OWN,
				description:
					"TikTok sends the events of every account connected to the app to its one callback URL. Events of the accounts not chosen are acknowledged and ignored.",
				options: [
					{
						name: "This Credential's Account",
						value: ACCOUNTS_OWN,
						description:
							'Only events whose user_openid is the account the selected credential is connected to (a credential that was never connected takes no event)',
					},
					{
						name: 'Every Account of the App',
						value: ACCOUNTS_ALL,
						description: 'Events of every TikTok account connected to the app; openId in the output says whose',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Skip Duplicate Events',
						name: 'skipDuplicates',
						type: 'boolean',
						default: true,
						description: `Whether to ignore an event already received in the last 72 hours (the last ${DEDUP_MAX_ENTRIES} events are remembered). TikTok may deliver an event more than once. Applies to the Production URL.`,
					},
					{
						displayName: 'TikTok Username',
						name: 'username',
						type: 'string',
						default: '',
						placeholder: 'e.g. myshop',
						description:
							"The account's TikTok handle, to output post URLs as https://www.tiktok.com/@handle/video/ID. Without it, postUrl is TikTok's embed address for the post.",
					},
					{
						displayName: 'Timestamp Tolerance (Seconds)',
						name: 'timestampToleranceSec',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: DEFAULT_TIMESTAMP_TOLERANCE_SEC,
						description:
							"Refuse a request whose signed time is further than this from n8n's clock (replayed or delayed). 0 turns the check off (not recommended).",
					},
				],
			},
		],
	};

	/**
	 * Nothing to register, check or remove at TikTok (no API for it), like n8n's Slack Trigger:
	 * activation only makes n8n listen on the production URL.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleTikTokDelivery.call(this);
	}
}
